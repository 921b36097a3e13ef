package org.stowage.reliability;

import org.stowage.core.AddOptions;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.stowage.core.StoreHandle;
import org.stowage.core.Stowage;
import org.stowage.core.config.ConfigFiles;
import org.stowage.spi.Leftover;
import org.stowage.spi.StoreException;
import org.stowage.testing.ReliabilityRecorder;

/**
 * Faults of the image source during an add to a file store, through the core's add pipeline
 * exactly as an embedding application or the CLI runs it ({@code [stowage] input_stall_timeout = 1}):
 * the source failing, stalling past the timeout, ending short of (or running past) the declared
 * size. Leftovers are computed by listing the data directory before and after, and after gc.
 */
class FileInputFaultsTest {
    private static final int MIB = 1 << 20;
    private Path root;
    private Path datadir;
    private Stowage stowage;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createTempDirectory("stowage-input-faults");
        datadir = root.resolve("images");
        stowage = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", "[DEFAULT]\nenabled_backends = fast:file\n"
                + "[glance_store]\ndefault_backend = fast\n[fast]\nfilesystem_store_datadir = " + datadir + "\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + root + "/staging\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + root + "/tasks\n"
                + "[stowage]\ninput_stall_timeout = 1\n")).pluginsDir(null).build();
        stowage.add("fast", Sources.data(1, 1000), AddOptions.defaults().imageId(Sources.imageId("already-there")).declaredSize(1000));
    }

    @AfterEach
    void tearDown() throws IOException {
        stowage.close();
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
    }

    /** Injects the fault, checks the error, lists leftovers before and after gc, records the row. */
    private Throwable fault(String fault, String injectedAt, String imageId, InputStream in, long declared,
            ErrorKind expected, String... mustName) throws IOException {
        Set<String> before = Sources.entries(datadir);
        Throwable e = catchThrowable(() -> stowage.add("fast", in, AddOptions.defaults().imageId(imageId).declaredSize(declared)));
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", expected);
        for (String m : mustName) {
            assertThat(e).hasMessageContaining(m);
        }
        List<String> after = diff(before);
        StoreHandle h = stowage.store("fast");
        for (Leftover l : h.findLeftovers(Duration.ZERO)) {
            h.removeLeftover(l);
        }
        List<String> afterGc = diff(before);
        assertThat(after).as("left right after the failure").isEmpty();
        assertThat(afterGc).isEmpty();
        assertThatThrownBy(() -> stowage.size("file://" + datadir + "/" + imageId)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
        assertThat(Sources.sha256(stowage.get("file://" + datadir + "/" + Sources.imageId("already-there"))))
                .isEqualTo(Sources.sha256(Sources.data(1, 1000)));
        StoreException se = (StoreException) e;
        ReliabilityRecorder.fault("file", fault, injectedAt, se.kind().glanceName() + ": " + e.getMessage(), after, afterGc);
        return e;
    }

    private List<String> diff(Set<String> before) throws IOException {
        List<String> out = new ArrayList<>(Sources.entries(datadir));
        out.removeAll(before);
        return out;
    }

    @Test
    void sourceFailingMidwayIsABackendErrorAndLeavesNothing() throws IOException {
        fault("input stream fails mid-way (IOException after 1.5 MiB of 4 MiB)", "the image source throws IOException "
                        + "(core add pipeline, file store)", Sources.imageId("img-failing"), Sources.failingAfter(3 * MIB / 2), 4 * MIB,
                ErrorKind.BACKEND, "store 'fast'", "source failed");
    }

    @Test
    @Timeout(30)
    void sourceStallingPastTheTimeoutIsATimeoutAndLeavesNothing() throws IOException {
        Sources.Stalling src = new Sources.Stalling(2 * MIB);
        long t0 = System.nanoTime();
        fault("input stream stalls past input_stall_timeout (after 2 of 4 MiB)", "the image source blocks; "
                        + "[stowage] input_stall_timeout = 1", Sources.imageId("img-stalling"), src, 4 * MIB, ErrorKind.TIMEOUT,
                "no byte arrived for 1", "input_stall_timeout");
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(10);
        assertThat(src.closed.getCount()).as("the stalled source was closed").isZero();
    }

    @Test
    void sourceEndingShortOfTheDeclaredSizeIsSizeMismatchAndLeavesNothing() throws IOException {
        fault("input stream ends short of the declared size (3 MiB of 4 MiB)", "the image source ends early",
                Sources.imageId("img-short"), Sources.data(3, 3 * MIB), 4 * MIB, ErrorKind.SIZE_MISMATCH,
                "shorter than its declared size", "declared " + 4 * MIB + " bytes, got " + 3 * MIB);
    }

    @Test
    void sourceLongerThanTheDeclaredSizeIsSizeMismatchAndLeavesNothing() throws IOException {
        fault("input stream runs past the declared size (3 MiB declared, 5 MiB sent)", "the image source sends more "
                        + "than declared", Sources.imageId("img-long"), Sources.data(4, 5 * MIB), 3 * MIB, ErrorKind.SIZE_MISMATCH,
                "longer than its declared size", "declared " + 3 * MIB + " bytes");
    }
}
