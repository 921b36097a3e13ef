package org.stowage.drivers.cinder;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.stowage.core.drain.DrainReport;
import org.stowage.drivers.cinder.CinderDrainIntegrationTest.Fault;
import org.stowage.drivers.cinder.DrainPayload.Image;

/** The state a drain run failed by a Cinder fault must leave, per fault, for {@link CinderDrainIntegrationTest}. */
final class DrainFaults {
    private DrainFaults() {
    }

    /**
     * Asserts Glance's locations, the data and what is left in Cinder after the failed run; removes
     * (as {@code stowage gc} would) what the store's contract leaves to gc; returns what was left.
     */
    static List<String> afterFailure(Fault fault, Image img, String before, DrainGlanceDb glance, Path fileDir,
            Supplier<DrainReport> reRun) throws Exception {
        List<DrainGlanceDb.Row> rows = glance.live(img.id());
        List<String> left = Faults.leftovers(img.id());
        System.out.println("after " + fault + ": locations " + rows + ", cinder " + left);
        assertThat(rows).as("live locations of %s after %s", img.id(), fault).hasSize(1);
        switch (fault) {
            case SOURCE_VOLUME_DELETE -> {
                // the swap happened: Glance points to the verified file copy; the complete volume waits for the re-run
                assertThat(rows.get(0).value()).isEqualTo("file://" + fileDir.resolve(img.id()));
                assertSha(fileDir.resolve(img.id()), img);
                assertThat(left).hasSize(1).allMatch(l -> l.startsWith("volume ") && l.contains("complete"));
                assertThat(Faults.garbage(img.id())).isEmpty();
            }
            case DETACH_AFTER_WRITE -> {
                assertThat(rows.get(0).value()).isEqualTo(before);
                assertSha(Path.of(URI.create(before)), img);
                // the attachment could not be deleted, so neither could the volume: in progress, left to gc
                assertThat(left).anyMatch(l -> l.startsWith("volume ") && l.contains("in-progress"))
                        .anyMatch(l -> l.startsWith("attachment "));
                // until gc removes it, that volume stands for another add of the image: a re-run fails again, saying so
                DrainReport early = reRun.get();
                assertThat(early.items()).as("%s", early.items()).hasSize(1).allSatisfy(i -> assertThat(i.reason())
                        .contains("still in progress").contains("stowage gc"));
                assertThat(glance.live(img.id())).extracting(DrainGlanceDb.Row::value).containsExactly(before);
                try (CinderStoreDriver d = LocalCinder.driver("c", LocalCinder.FAST)) {
                    Faults.gc(d, img.id());
                }
                assertThat(Faults.leftovers(img.id())).as("after gc").isEmpty();
            }
            case DETACH_AFTER_READ -> {
                // the copy was complete (a failed detach of its source read is only logged) and swapped; the read
                // attachment, still owed by this process, keeps the volume in use: the re-run deletes both
                assertThat(rows.get(0).value()).isEqualTo("file://" + fileDir.resolve(img.id()));
                assertSha(fileDir.resolve(img.id()), img);
                assertThat(left).hasSize(2).anyMatch(l -> l.startsWith("volume ") && l.contains("complete"))
                        .anyMatch(l -> l.startsWith("attachment "));
            }
            default -> {
                assertThat(rows.get(0).value()).isEqualTo(before);
                assertSha(Path.of(URI.create(before)), img);
                assertThat(left).as("volumes and attachments of %s after %s", img.id(), fault).isEmpty();
            }
        }
        return left;
    }

    static void assertSha(Path file, Image img) throws Exception {
        assertThat(file).exists();
        try (InputStream in = Files.newInputStream(file)) {
            assertThat(DrainPayload.sha512(in)).isEqualTo(img.sha512());
        }
    }
}
