package org.stowage.drivers.cinder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.stowage.core.Stowage;
import org.stowage.core.config.ConfigFiles;
import org.stowage.core.drain.DrainOptions;
import org.stowage.core.drain.DrainReport;
import org.stowage.core.drain.DrainReport.Outcome;
import org.stowage.core.drain.StoreDrain;
import org.stowage.drivers.cinder.DrainPayload.Image;
import org.stowage.drivers.cinder.internal.CinderClient;

/**
 * The store drain ({@link StoreDrain}) between a file store and the real local Cinder, on a real
 * Glance schema ({@code glance-manage db_sync}, SQLite) whose rows are written as Glance writes
 * them: file to cinder moves each image into a volume of the store's volume type holding its
 * bytes (also an image whose size Glance does not know: the copy declares the source's length), with one
 * location {@code cinder://c/<volume>} of store c, and deletes the file; cinder to file brings the
 * same bytes back and deletes the volumes, leaving no attachment. The cinder store reaches Cinder
 * through a {@link FaultProxy}, which fails each Cinder step of a move with 500 and 503: each
 * failed run leaves a consistent state, and a re-run without the fault finishes the drain. The
 * counts per image (remote calls, database round trips) go to {@code target/drain-counts.txt}.
 */
class CinderDrainIntegrationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String VOLUME_URL = "cinder://c/[0-9a-f-]{36}";

    @RegisterExtension
    static final LocalCinderProxy proxy = new LocalCinderProxy();

    @TempDir
    static Path dir;
    static DrainGlanceDb glance;
    static Path fileDir;
    static Stowage stowage;

    @BeforeAll
    static void start() throws Exception {
        glance = DrainGlanceDb.create(dir);
        fileDir = Files.createDirectories(dir.resolve("f"));
        stowage = stowage(proxy, dir);
    }

    @AfterAll
    static void stop() {
        if (stowage != null) {
            stowage.close();
        }
    }

    /**
     * Stores f (file, in {@code dir}/f) and c (cinder, volume type glance-fast, through the proxy,
     * one HTTP retry so that a persistent fault fails a step).
     */
    static Stowage stowage(FaultProxy proxy, Path dir) {
        StringBuilder conf = new StringBuilder("[DEFAULT]\nenabled_backends = f:file, c:cinder"
                + "\n\n[glance_store]\ndefault_backend = f\n\n[c]\n");
        Map<String, String> c = proxy.storeSettings(LocalCinder.FAST);
        c.put("cinder_http_retries", "1");
        c.put("cinder_attachment_retry_attempts", "1");
        c.put("cinder_state_transition_timeout", "20");
        c.forEach((k, v) -> conf.append(k).append(" = ").append(v).append('\n'));
        conf.append("\n[f]\nfilesystem_store_datadir = ").append(dir.resolve("f"))
                .append("\n[os_glance_staging_store]\nfilesystem_store_datadir = ").append(dir.resolve("staging"))
                .append("\n[os_glance_tasks_store]\nfilesystem_store_datadir = ").append(dir.resolve("tasks")).append('\n');
        return Stowage.builder().config(ConfigFiles.parse("glance-api.conf", conf.toString())).pluginsDir(null).build();
    }

    static DrainReport drain(Stowage s, DrainGlanceDb db, String from, String to, List<Image> images) {
        Set<String> ids = images.stream().map(Image::id).collect(Collectors.toSet());
        return new StoreDrain(s, db::open, DrainOptions.of(from, to).apply(true).images(ids)).run();
    }

    @Test
    void fileToCinderAndBackKeepsTheBytesAndLeavesNothing() throws Exception {
        List<Image> images = List.of(
                DrainPayload.add(stowage, glance, 1, true),
                DrainPayload.add(stowage, glance, 100_000, true),
                DrainPayload.add(stowage, glance, (3 << 20) + 7, true),
                // Glance does not know the size: the copy declares the source's length, so the volume is made
                // to fit and never extended (an extend would fail: the proxy refuses every os-extend)
                DrainPayload.add(stowage, glance, (5 << 20) + 11, false));
        int n = images.size();
        proxy.respond("POST", CinderStepFaultIntegrationTest.ONE_VOL + "/action", 500, "os-extend", -1);

        DrainReport there = drain(stowage, glance, "f", "c", images);
        proxy.clearRules();

        assertThat(there.items()).as("%s", there.items()).hasSize(n).allMatch(i -> i.outcome() == Outcome.MOVED);
        assertThat(there.count(Outcome.MOVED)).isEqualTo(n);
        for (Image img : images) {
            assertInCinder(stowage, glance, img, 1);
        }

        DrainReport back = drain(stowage, glance, "c", "f", images);

        assertThat(back.items()).as("%s", back.items()).hasSize(n).allMatch(i -> i.outcome() == Outcome.MOVED);
        for (Image img : images) {
            assertBackInFile(glance, fileDir, img);
        }
        DrainPayload.recordCounts("file -> cinder, " + n + " images (1 B, 100 kB, 3 MiB, 5 MiB of unknown size)",
                there, n);
        DrainPayload.recordCounts("cinder -> file, the same " + n + " images", back, n);
    }

    /** Where a fault is injected: the request, and what the failed image's reason must name. */
    enum Fault {
        VOLUME_CREATE("POST", CinderStepFaultIntegrationTest.VOL, null, "create volume", false),
        ATTACHMENT_CREATE("POST", CinderStepFaultIntegrationTest.ATT, null, "attachment create (rw) failed", false),
        ATTACHMENT_COMPLETE("POST", CinderStepFaultIntegrationTest.ATT + "/[0-9a-f-]{36}/action", "os-complete",
                "complete attachment", false),
        DETACH_AFTER_WRITE("DELETE", CinderStepFaultIntegrationTest.ATT + "/[0-9a-f-]{36}", null,
                "could not be deleted", false),
        /** cinder -> file: the source volume's delete, after the swap. */
        SOURCE_VOLUME_DELETE("DELETE", CinderStepFaultIntegrationTest.ONE_VOL, null, "delete volume", true),
        /** cinder -> file: the detach of the source volume after it was read. */
        DETACH_AFTER_READ("DELETE", CinderStepFaultIntegrationTest.ATT + "/[0-9a-f-]{36}", null,
                "could not be deleted", true);

        final String method;
        final String path;
        final String body;
        final String step;
        final boolean cinderToFile;

        Fault(String method, String path, String body, String step, boolean cinderToFile) {
            this.method = method;
            this.path = path;
            this.body = body;
            this.step = step;
            this.cinderToFile = cinderToFile;
        }
    }

    /** Every fault with 500 and 503; {@code -Ddrain.faults=DETACH_AFTER_READ,...} runs only those. */
    static Stream<Arguments> faults() {
        String only = System.getProperty("drain.faults", "");
        return Stream.of(Fault.values()).filter(f -> only.isBlank() || List.of(only.split(",")).contains(f.name()))
                .flatMap(f -> Stream.of(Arguments.of(f, 500), Arguments.of(f, 503)));
    }

    /**
     * A fault that persists through the client's retries fails the image with a reason naming the
     * step; Glance keeps a good location (the file until the swap, the copy after it); Cinder keeps
     * nothing but what the store's clean-up contract allows; a re-run without the fault finishes.
     */
    @ParameterizedTest(name = "{0} answers {1}")
    @MethodSource("faults")
    void aFaultLeavesAConsistentStateAndAReRunFinishesTheDrain(Fault fault, int status) throws Exception {
        Stowage s = stowage;
        Image img = DrainPayload.add(s, glance, 200_000 + status, true);
        String from = fault.cinderToFile ? "c" : "f";
        String to = fault.cinderToFile ? "f" : "c";
        if (fault.cinderToFile) {
            assertThat(drain(s, glance, "f", "c", List.of(img)).count(Outcome.MOVED)).isEqualTo(1);
        }
        String before = glance.live(img.id()).get(0).value();
        proxy.respond(fault.method, fault.path, status, fault.body, -1);
        DrainReport failed = drain(s, glance, from, to, List.of(img));
        proxy.clearRules();

        assertThat(failed.items()).as("%s", failed.items()).hasSize(1);
        DrainReport.Item item = failed.items().get(0);
        assertThat(item.outcome()).as("%s", item).isEqualTo(Outcome.FAILED);
        assertThat(item.reason()).contains(fault.step).contains("store 'c'").contains(fault.cinderToFile
                ? "moved, but deleting the source data" : "copy failed");
        List<String> left = DrainFaults.afterFailure(fault, img, before, glance, fileDir,
                () -> drain(s, glance, from, to, List.of(img)));

        DrainReport again = drain(s, glance, from, to, List.of(img));

        assertThat(again.count(Outcome.FAILED)).as("%s", again.items()).isZero();
        if (fault.cinderToFile) {
            assertBackInFile(glance, fileDir, img);
        } else {
            assertThat(again.count(Outcome.MOVED)).as("%s", again.items()).isEqualTo(1);
            assertInCinder(s, glance, img, 1);
            s.delete(glance.live(img.id()).get(0).value(), "c");
            assertThat(Faults.leftovers(img.id())).isEmpty();
        }
        Faults.recordClean("store drain " + from + " -> " + to + ": " + fault.name().toLowerCase().replace('_', ' ')
                + " fails (HTTP " + status + ")", CinderStepFaultIntegrationTest.injected(status, fault.method + " "
                + fault.path + (fault.body == null ? "" : " " + fault.body) + " (every attempt)"), item.reason(), left,
                left.isEmpty() ? null : List.of(), img.id()); // what the failed run left, the re-run (and gc) removed
    }

    /**
     * The image has exactly one live location, {@code cinder://c/<volume>} of store c; the volume
     * (glance-fast, {@code sizeGib}, available, named image-<id>, no attachment) holds the bytes,
     * read back through Stowage; the file data is gone.
     */
    static void assertInCinder(Stowage s, DrainGlanceDb db, Image img, int sizeGib) throws Exception {
        List<DrainGlanceDb.Row> rows = db.live(img.id());
        assertThat(rows).as("live locations of %s", img.id()).hasSize(1);
        DrainGlanceDb.Row row = rows.get(0);
        assertThat(row.value()).matches(VOLUME_URL);
        assertThat(row.status()).isEqualTo("active");
        assertThat(JSON.readTree(row.metaData()).path("store").asText()).as(row.metaData()).isEqualTo("c");
        assertThat(row.metaData()).startsWith("{\"store\": \"c\"");
        String volumeId = row.value().substring("cinder://c/".length());
        try (CinderClient c = LocalCinder.client()) {
            CinderClient.Volume v = c.getVolume(volumeId).orElseThrow();
            assertThat(v.volumeType()).isEqualTo(LocalCinder.FAST);
            assertThat(v.name()).isEqualTo("image-" + img.id());
            assertThat(v.status()).isEqualTo("available");
            assertThat(v.sizeGib()).as("size of volume %s (GiB)", volumeId).isEqualTo(sizeGib);
            assertThat(c.attachmentsOf(volumeId)).as("attachments of %s", volumeId).isEmpty();
        }
        try (InputStream in = s.get(row.value())) {
            assertThat(DrainPayload.sha512(in)).as("sha512 of %s read back", row.value()).isEqualTo(img.sha512());
        }
        assertThat(Path.of(URI.create(img.fileLocation()))).as("the file data of %s", img.id()).doesNotExist();
    }

    /** One live location, the file of store f, holding the same bytes; no volume or attachment of the image left. */
    static void assertBackInFile(DrainGlanceDb db, Path fileDir, Image img) throws Exception {
        List<DrainGlanceDb.Row> rows = db.live(img.id());
        assertThat(rows).as("live locations of %s", img.id()).hasSize(1);
        Path file = fileDir.resolve(img.id());
        assertThat(rows.get(0).value()).isEqualTo("file://" + file);
        assertThat(JSON.readTree(rows.get(0).metaData()).path("store").asText()).isEqualTo("f");
        try (InputStream in = Files.newInputStream(file)) {
            assertThat(DrainPayload.sha512(in)).isEqualTo(img.sha512());
        }
        assertThat(Faults.leftovers(img.id())).as("volumes and attachments of %s", img.id()).isEmpty();
    }

}
