package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.stowage.cli.AuditScenario.FAST;
import static org.stowage.cli.AuditScenario.FILE;
import static org.stowage.cli.AuditScenario.SLOW;
import static org.stowage.cli.AuditScenario.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.stowage.cli.AuditScenario.Added;

/**
 * Seeds {@link AuditScenarioIT}'s world: the data through {@code bin/stowage add}, the rows through
 * Glance's own DB API, then what happens behind Stowage's back (a volume deleted through the
 * Cinder API, a file truncated in place, a byte flipped in a backing file, images deleted through
 * Glance) and two adds kept mid-stream.
 */
final class AuditScenarioSeed {
    /** Cases whose data has no images row at all. */
    static final Set<String> NO_ROW = Set.of("orphanFile", "orphanSlow");
    static final int TRUNCATED_TO = 150_000;
    static final long FLIPPED_AT = 50_001;

    private final AuditScenario s;
    private final AuditScenarioIT t;
    private final List<Map<String, Object>> rows = new ArrayList<>();

    AuditScenarioSeed(AuditScenario s, AuditScenarioIT t) {
        this.s = s;
        this.t = t;
    }

    void seed() throws Exception {
        fileStore();
        fastStore();
        slowStore();
        legacy();
        s.create(rows);
        behindStowagesBack();
        liveAdds();
    }

    private Added add(String name, String store, int size, long seed) throws Exception {
        String id = t.id(name) != null ? t.id(name) : t.image(name);
        Added a = s.add(store, id, data(size, seed));
        t.added(name, a);
        return a;
    }

    private Map<String, Object> row(String name, String status) {
        Map<String, Object> r = AuditScenario.row(t.added(name), status);
        rows.add(r);
        return r;
    }

    private void fileStore() throws Exception {
        add("ok", FILE, 70_000, 1);
        row("ok", "active");
        add("truncated", FILE, 300_000, 2);
        row("truncated", "active");
        add("orphanFile", FILE, 7_000, 3);
        add("pendingDelete", FILE, 9_000, 4);
        row("pendingDelete", "active");
        add("savingDone", FILE, 11_000, 5);
        writing(row("savingDone", "saving"));
        add("importing", FILE, 13_000, 6);
        Map<String, Object> importing = writing(row("importing", "importing"));
        importing.put("properties", Map.of("os_glance_import_task", task("importing"), "os_glance_importing_to_stores",
                FILE));
        add("noHashFile", FILE, 15_000, 7);
        Map<String, Object> noHash = row("noHashFile", "active");
        noHash.remove("os_hash_algo"); // an image of a Glance before Rocky: md5 checksum only
        noHash.remove("os_hash_value");
    }

    private void fastStore() throws Exception {
        add("okFast", FAST, 200_000, 11);
        row("okFast", "active");
        add("missingFast", FAST, 30_000, 12);
        row("missingFast", "active");
        add("flippedFast", FAST, 100_000, 13);
        row("flippedFast", "active");
        add("orphanFast", FAST, 40_000, 14);
        row("orphanFast", "active");
        // copy-image from file to fast running: active in file; the copy in fast complete, not yet recorded
        Added inFile = add("copying", FILE, 50_000, 15);
        t.added("copyingFast", add("copying", FAST, 50_000, 15));
        t.added("copying", inFile);
        row("copying", "active").put("properties", Map.of("os_glance_import_task", task("copying"),
                "os_glance_importing_to_stores", FAST));
    }

    private void slowStore() throws Exception {
        add("okSlow", SLOW, 60_000, 21);
        row("okSlow", "active");
        add("noHashSlow", SLOW, 80_000, 22);
        Map<String, Object> noHash = row("noHashSlow", "active");
        noHash.remove("checksum");
        noHash.remove("os_hash_algo");
        noHash.remove("os_hash_value");
        add("orphanSlow", SLOW, 20_000, 23);
    }

    /** Rows that no configured store owns: legacy rbd and swift locations, and a row naming a store not configured. */
    private void legacy() {
        legacyRow("rbd", "rbd://fsid/images/%s/snap", Map.of());
        legacyRow("swift", "swift+https://service%%3Aglance:s3cret-swift-key@swift.example:5000/v3/glance/%s", Map.of());
        legacyRow("ceph", "rbd://fsid/images/%s/snap", Map.of("store", "ceph"));
    }

    private void legacyRow(String name, String url, Map<String, Object> metadata) {
        String id = t.image(name);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("status", "active");
        r.put("size", 1_000);
        r.put("checksum", "0123456789abcdef0123456789abcdef");
        r.put("os_hash_algo", "sha512");
        r.put("os_hash_value", "ab".repeat(64));
        r.put("locations", List.of(Map.of("url", String.format(url, id), "metadata", metadata)));
        rows.add(r);
    }

    /** A row as Glance keeps it while data is written: no location, no hashes yet. */
    private static Map<String, Object> writing(Map<String, Object> r) {
        r.put("locations", List.of());
        r.remove("checksum");
        r.remove("os_hash_algo");
        r.remove("os_hash_value");
        return r;
    }

    private final Map<String, String> tasks = new LinkedHashMap<>();

    private String task(String name) {
        return tasks.computeIfAbsent(name, k -> UUID.randomUUID().toString());
    }

    private void behindStowagesBack() throws Exception {
        for (Map.Entry<String, String> e : tasks.entrySet()) { // the imports' tasks, still processing
            s.glance("task_create", Map.of("id", e.getValue(), "image_id", t.id(e.getKey()), "status", "processing",
                    "type", "api_image_import"));
        }
        // delayed delete as Glance does it: the location row marked pending_delete, then the image
        String pending = t.id("pendingDelete");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> locs = (List<Map<String, Object>>) s.read(List.of(pending), false).get(pending)
                .get("locations");
        s.glance("location_delete", Map.of("image_id", pending, "location_id", locs.get(0).get("id"), "status",
                "pending_delete"));
        s.glance("destroy", Map.of("image_id", pending, "status", "pending_delete"));
        s.glance("destroy", Map.of("image_id", t.id("orphanFast"), "status", "deleted"));
        String gone = t.added("missingFast").volume();
        s.cinder.call("DELETE", "/volumes/" + gone, null);
        s.cinder.awaitGone(gone);
        Path truncated = s.images.resolve(t.id("truncated"));
        AuditScenario.truncateInPlace(truncated, TRUNCATED_TO);
        assertThat(truncated).hasSize(TRUNCATED_TO);
        AuditScenario.flipByte(AuditScenario.backingFile(t.added("flippedFast").volume()), FLIPPED_AT);
    }

    /** Two saving rows whose data is being written by adds kept mid-stream. */
    private void liveAdds() throws Exception {
        for (String[] c : new String[][] {{"liveFile", FILE}, {"liveFast", FAST}}) {
            String id = t.image(c[0]);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", id);
            r.put("status", "saving");
            r.put("size", null);
            r.put("locations", List.of());
            s.create(List.of(r));
            t.live(c[0], s.startLive(c[1], id));
        }
        LiveAdd file = t.live().get("liveFile");
        file.awaitWriting(() -> partialFile(file.imageId) != null, "its partial file with data");
        LiveAdd fast = t.live().get("liveFast");
        fast.awaitWriting(() -> inUse(fast.imageId), "its volume in-use, stowage_status in-progress");
        String volume = (String) s.imageVolume(fast.imageId).get("id");
        s.volumes.add(volume);
        long fed = fast.fed();
        fast.awaitWriting(() -> fast.fed() > fed + 64 * 1024, "more data fed after the volume was attached");
    }

    private Path partialFile(String id) {
        try (Stream<Path> l = Files.list(s.images)) {
            return l.filter(p -> p.getFileName().toString().startsWith("." + id + ".stowage-partial-"))
                    .filter(p -> p.toFile().length() > 0).findFirst().orElse(null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private boolean inUse(String id) {
        try {
            Map<String, Object> v = s.imageVolume(id);
            return v != null && "in-use".equals(v.get("status"))
                    && "in-progress".equals(((Map<String, Object>) v.get("metadata")).get("stowage_status"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
