package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.cli.GlanceApi.Download;
import org.stowage.cli.StowageCli.Result;
import org.stowage.testing.PrintedJson;

/**
 * The "Glance itself as the judge": {@code stowage stores drain a --to b}, run with the
 * real Glance API's own glance-api.conf (file stores a and b, its SQLite database), on images
 * made through Glance's API: of 0 bytes to 3 MiB, one deactivated, one already in both stores
 * (copy-image), one left queued. A dry run changes nothing Glance shows or stores; the applied
 * drain's JSON counts each image as moved, dropped or skipped; then Glance shows every image in
 * store b only, with a b location in its database and no file left in a, serves the bytes that
 * were uploaded, leaves the queued image as it was, and deletes the data in b itself; a second
 * run moves nothing. The second test goes through a cinder store and back (a -> c -> b, store c
 * only in Stowage's copy of the config) and also finds no volume left in Cinder.
 * The Glance is shared: the applied drains name this test's images ({@code --image}), so other
 * images in store a stay where they are; only the dry run covers the whole store.
 */
class DrainGlanceJudgeIT {
    private static final Logger LOG = LoggerFactory.getLogger(DrainGlanceJudgeIT.class);
    static final Duration RUN = Duration.ofMinutes(5);

    /** How an image was made, and so what the drain should do with it. */
    enum Kind {
        MOVE, DEACTIVATED, BOTH, QUEUED
    }

    /** An image this test made: its uploaded size and sha512, and what Glance showed then. */
    record Img(String id, Kind kind, long size, String sha512, Map<String, Object> shown) {
    }

    private final Map<String, Img> images = new LinkedHashMap<>();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private Path home;
    private GlanceApi api;

    @Test
    void glanceServesEveryDrainedImageFromStoreBWithTheBytesItWasGiven(@TempDir Path tmp) throws Exception {
        LocalGlance.assumeAvailable();
        LocalGlance.start(tmp);
        home = StowageCli.unpack(tmp);
        api = GlanceApi.login();
        try {
            createImages();
            dryRunChangesNothing();
            applyMovesAndDrops();
            judge();
            rerunMovesNothing();
            glanceDeletesTheDataInB();
        } finally {
            cleanUp();
        }
    }

    /**
     * Through a cinder store and back: a -> c, then c -> b. Store c (volume type glance-fast) is in
     * a copy of Glance's config that only Stowage reads: Glance is not restarted and never serves
     * from c. Afterwards Glance serves the uploaded bytes from b, and no volume of c is left.
     */
    @Test
    void throughACinderStoreAndBackGlanceServesTheSameBytesFromBAndNoVolumeIsLeft(@TempDir Path tmp)
            throws Exception {
        LocalGlance.assumeAvailable();
        Assumptions.assumeFalse(Files.exists(Path.of("/tmp/bench-running")),
                "a benchmark is measuring (/tmp/bench-running exists): no live Cinder test now");
        LocalGlance.assumeListening(8776, "Cinder");
        Path inventory = Path.of("").toAbsolutePath().resolveSibling(".ci/cinder-inventory.py");
        Assumptions.assumeTrue(Files.isReadable(inventory), inventory + " is missing: Cinder's volumes cannot be listed");
        LocalGlance.start(tmp);
        home = StowageCli.unpack(tmp);
        api = GlanceApi.login();
        Path conf = withCinderStore(tmp);
        try {
            upload(Kind.MOVE, 5);
            upload(Kind.MOVE, (2 << 20) + 11);
            Result toC = drain(conf, "a", "c", applyArgs());
            assertThat(toC.code()).as("%s%s", toC.out(), toC.err()).isZero();
            assertThat(PrintedJson.object(toC.out())).as(toC.out()).containsEntry("moved", 2).containsEntry("failed", 0);
            List<String> volumes = new ArrayList<>();
            for (Img img : images.values()) {
                List<String> rows = LocalGlance.locations(img.id());
                assertThat(rows).as("Glance's location rows of %s in c", img).hasSize(1);
                assertThat(rows.get(0)).startsWith("cinder://").endsWith(" | {\"store\": \"c\"} | active");
                assertThat(api.show(img.id())).as("%s in c", img).containsEntry("stores", "c");
                assertThat(LocalGlance.path("a", img.id())).doesNotExist();
                String value = rows.get(0).substring(0, rows.get(0).indexOf(' '));
                volumes.add(value.substring(value.lastIndexOf('/') + 1));
            }
            assertThat(cinderVolumes(inventory)).as("Cinder's volumes with the images in c").containsAll(volumes);
            Result toB = drain(conf, "c", "b", applyArgs());
            assertThat(toB.code()).as("%s%s", toB.out(), toB.err()).isZero();
            assertThat(PrintedJson.object(toB.out())).as(toB.out()).containsEntry("moved", 2).containsEntry("failed", 0);
            judge();
            assertThat(cinderVolumes(inventory)).as("Cinder's volumes after c -> b").doesNotContainAnyElementsOf(volumes);
            glanceDeletesTheDataInB();
        } finally {
            rescueFromC(conf);
            cleanUp();
        }
    }

    /**
     * After a failure: images still in c are drained to b first, since Glance, which does not know
     * store c, would leave their volumes behind when deleting them.
     */
    private void rescueFromC(Path conf) {
        try {
            for (Img img : images.values()) {
                if (LocalGlance.locations(img.id()).stream().anyMatch(r -> r.contains("{\"store\": \"c\"}"))) {
                    Result r = drain(conf, "c", "b", applyArgs());
                    LOG.warn("images left in store c after a failure drained to b: exit {}: {}", r.code(), r.err());
                    return;
                }
            }
        } catch (Exception e) {
            LOG.warn("could not drain the images left in store c to b: {}", e.toString());
        }
    }

    /** A copy of Glance's config with cinder store c added, the README's glance_store-style settings. */
    private static Path withCinderStore(Path tmp) throws Exception {
        String conf = Files.readString(LocalGlance.CONF);
        String backends = "enabled_backends = a:file, b:file\n";
        assertThat(conf).as("Glance's config %s", LocalGlance.CONF).contains(backends);
        Path copy = tmp.resolve("glance-api-with-c.conf");
        Files.writeString(copy, conf.replace(backends, "enabled_backends = a:file, b:file, c:cinder\n")
                + "\n[c]\ncinder_catalog_info = volumev3:cinderv3:publicURL\n"
                + "cinder_store_auth_address = http://127.0.0.1:5000/v3\ncinder_store_user_name = glance\n"
                + "cinder_store_password = glance\ncinder_store_project_name = service\n"
                + "cinder_os_region_name = RegionOne\ncinder_volume_type = glance-fast\n"
                + "cinder_mount_point_base = /var/lib/os-cinder-test/mnt\n");
        return copy;
    }

    /** The ids of the volumes of Cinder's service project, as .ci/cinder-inventory.py lists them. */
    private static List<String> cinderVolumes(Path inventory) throws Exception {
        Path listing = Files.createTempFile("cinder-inventory", ".txt");
        Process p = new ProcessBuilder("python3", inventory.toString()).redirectErrorStream(true)
                .redirectOutput(listing.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            StowageCli.killTree(p);
            fail("%s did not end within 2 minutes", inventory);
        }
        String out = Files.readString(listing);
        Files.delete(listing);
        assertThat(p.exitValue()).as("%s: %s", inventory, out).isZero();
        return out.lines().filter(l -> l.startsWith("volume ")).map(l -> l.split(" ")[1]).toList();
    }

    private void createImages() throws Exception {
        for (int size : new int[] {0, 1, 4096 + 7, (1 << 20) + 4099, (3 << 20) + 1}) {
            upload(Kind.MOVE, size);
        }
        Img off = upload(Kind.DEACTIVATED, 70_000);
        api.action(off.id(), "deactivate");
        images.put(off.id(), new Img(off.id(), Kind.DEACTIVATED, off.size(), off.sha512(), api.show(off.id())));
        Img both = upload(Kind.BOTH, 65_537);
        api.copyTo(both.id(), "b");
        Map<String, Object> shown = api.await(both.id(), i -> {
            assertThat(GlanceApi.field(i, "os_glance_failed_import")).as("copy-image to b failed").isEmpty();
            return "a,b".equals(GlanceApi.field(i, "stores"));
        }, Duration.ofMinutes(2), "stores a,b after copy-image");
        images.put(both.id(), new Img(both.id(), Kind.BOTH, both.size(), both.sha512(), shown));
        String queued = api.create("drain-judge-" + run + "-queued");
        images.put(queued, new Img(queued, Kind.QUEUED, 0, null, api.show(queued)));
        assertThat(images.get(queued).shown()).containsEntry("status", "queued");
    }

    private Img upload(Kind kind, int size) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        String id = api.create("drain-judge-" + run + "-" + kind.name().toLowerCase() + "-" + size);
        images.put(id, new Img(id, kind, size, null, Map.of()));
        api.upload(id, data);
        Map<String, Object> shown = api.show(id);
        String sha = GlanceApi.sha512(data);
        assertThat(shown).as("image %s as Glance shows it after the upload", id).containsEntry("status", "active")
                .containsEntry("stores", "a").containsEntry("os_hash_value", sha)
                .containsEntry("direct_url", "file://" + LocalGlance.path("a", id));
        Img img = new Img(id, kind, size, sha, shown);
        images.put(id, img);
        return img;
    }

    private Result stowage(String... args) throws Exception {
        return drain(LocalGlance.CONF, "a", "b", args);
    }

    private Result drain(Path conf, String from, String to, String... args) throws Exception {
        long t0 = System.nanoTime();
        List<String> all = new ArrayList<>(List.of("--config", conf.toString(), "stores", "drain", from, "--to", to));
        all.addAll(List.of(args));
        Result r = StowageCli.runWithin(RUN, StowageCli.builder(home, all.toArray(String[]::new)));
        LOG.info("stores drain {} -> {} {}: exit {} in {} ms", from, to, args.length > 0 ? args[0] : "", r.code(),
                (System.nanoTime() - t0) / 1_000_000);
        return r;
    }

    /** The whole store as a dry run: every image of ours planned, nothing written anywhere. */
    private void dryRunChangesNothing() throws Exception {
        Map<String, String> before = state();
        List<String> schema = LocalGlance.schema();
        Result r = stowage("--json");
        assertThat(r.code()).as(r.err()).isZero();
        Map<String, Object> json = PrintedJson.object(r.out());
        assertThat(json).containsEntry("dry_run", true);
        Map<String, Map<String, Object>> items = items(json);
        for (Img img : images.values()) {
            Map<String, Object> item = items.get(img.id());
            switch (img.kind()) {
                case MOVE, DEACTIVATED -> assertThat(item).as("plan of %s", img).containsEntry("outcome", "planned_move")
                        .containsEntry("bytes", (int) img.size());
                case BOTH -> assertThat(item).as("plan of %s", img).containsEntry("outcome", "planned_drop");
                case QUEUED -> assertThat(item).as("a queued image has no location in a: not in the plan").isNull();
                default -> fail("kind %s", img.kind());
            }
        }
        assertThat(state()).as("Glance's rows and the store files after the dry run").isEqualTo(before);
        assertThat(LocalGlance.schema()).as("Glance's database schema after the dry run").isEqualTo(schema);
        for (Img img : images.values()) {
            assertThat(GlanceApi.field(api.show(img.id()), "stores")).as("stores of %s after the dry run", img)
                    .isEqualTo(GlanceApi.field(img.shown(), "stores"));
        }
    }

    /** --apply on our images (the Glance is shared: other images in a are not this test's to move). */
    private void applyMovesAndDrops() throws Exception {
        Result r = stowage(applyArgs());
        assertThat(r.code()).as("%s%s", r.out(), r.err()).isZero();
        Map<String, Object> json = PrintedJson.object(r.out());
        long moved = images.values().stream().filter(i -> i.kind() == Kind.MOVE || i.kind() == Kind.DEACTIVATED)
                .count();
        long bytes = images.values().stream().filter(i -> i.kind() == Kind.MOVE || i.kind() == Kind.DEACTIVATED)
                .mapToLong(Img::size).sum();
        assertThat(json).as(r.out()).containsEntry("dry_run", false).containsEntry("moved", (int) moved)
                .containsEntry("dropped", 1).containsEntry("skipped", 1).containsEntry("failed", 0)
                .containsEntry("bytes", (int) bytes);
        Map<String, Map<String, Object>> items = items(json);
        for (Img img : images.values()) {
            Map<String, Object> item = items.get(img.id());
            assertThat(item).as("outcome of %s", img).isNotNull();
            switch (img.kind()) {
                case MOVE, DEACTIVATED -> assertThat(item).containsEntry("outcome", "moved")
                        .containsEntry("bytes", (int) img.size())
                        .containsEntry("from", "file://" + LocalGlance.path("a", img.id()))
                        .containsEntry("to", "file://" + LocalGlance.path("b", img.id()));
                case BOTH -> assertThat(item).containsEntry("outcome", "dropped");
                case QUEUED -> assertThat(item).containsEntry("outcome", "skipped")
                        .containsEntry("reason", "the image has no location in store 'a'");
                default -> fail("kind %s", img.kind());
            }
        }
    }

    private String[] applyArgs() {
        List<String> args = new ArrayList<>(List.of("--apply", "--json", "--image"));
        args.addAll(images.keySet());
        return args.toArray(String[]::new);
    }

    /** What Glance's API, its database and the store directories say about every image now. */
    private void judge() throws Exception {
        for (Img img : images.values()) {
            if (img.kind() == Kind.QUEUED) {
                Map<String, Object> shown = api.show(img.id());
                assertThat(shown).as("the queued image").containsEntry("status", "queued")
                        .containsEntry("updated_at", img.shown().get("updated_at"));
                assertThat(GlanceApi.field(shown, "stores")).isEmpty();
                assertThat(LocalGlance.locations(img.id())).isEmpty();
                continue;
            }
            if (img.kind() == Kind.DEACTIVATED) {
                assertThat(api.show(img.id())).containsEntry("status", "deactivated");
                api.action(img.id(), "reactivate");
            }
            Path inB = LocalGlance.path("b", img.id());
            Map<String, Object> shown = api.show(img.id());
            assertThat(shown).as("%s as Glance shows it after the drain", img).containsEntry("status", "active")
                    .containsEntry("stores", "b").containsEntry("direct_url", "file://" + inB)
                    .containsEntry("checksum", img.shown().get("checksum"))
                    .containsEntry("os_hash_value", img.sha512()).containsEntry("size", (int) img.size());
            assertThat(LocalGlance.locations(img.id())).as("Glance's location rows of %s", img)
                    .containsExactly("file://" + inB + " | {\"store\": \"b\"} | active");
            assertThat(LocalGlance.deletedLocations(img.id())).as("the old location row of %s, soft-deleted as Glance "
                    + "does", img).contains("file://" + LocalGlance.path("a", img.id()) + " | deleted | 1 | true");
            assertThat(LocalGlance.path("a", img.id())).as("the old file of %s", img).doesNotExist();
            assertThat(inB).hasSize(img.size());
            assertThat(api.download(img.id())).as("what Glance serves for %s", img)
                    .isEqualTo(new Download(img.size(), img.sha512()));
        }
    }

    private void rerunMovesNothing() throws Exception {
        Map<String, String> before = state();
        Result r = stowage(applyArgs());
        assertThat(r.code()).as("%s%s", r.out(), r.err()).isZero();
        assertThat(PrintedJson.object(r.out())).as(r.out()).containsEntry("moved", 0).containsEntry("dropped", 0)
                .containsEntry("failed", 0).containsEntry("skipped", images.size()).containsEntry("bytes", 0);
        Result plan = stowage("--json");
        assertThat(plan.code()).as(plan.err()).isZero();
        assertThat(items(PrintedJson.object(plan.out())).keySet()).as("a whole-store plan after the drain")
                .doesNotContainAnyElementsOf(images.keySet());
        assertThat(state()).as("Glance's rows and the store files after the second run").isEqualTo(before);
    }

    /** Glance regards the b locations as its own: deleting an image removes its file in b. */
    private void glanceDeletesTheDataInB() throws Exception {
        for (Img img : images.values()) {
            assertThat(api.delete(img.id())).as("delete %s", img).isTrue();
            assertThat(api.status(img.id())).isEqualTo(404);
            assertThat(LocalGlance.path("b", img.id())).as("file of deleted %s", img).doesNotExist();
        }
    }

    /** Deletes whatever of ours is still in Glance (after a failure); never masks the failure. */
    private void cleanUp() {
        for (String id : images.keySet()) {
            try {
                if (api.delete(id)) {
                    LOG.info("deleted image {} left by the test", id);
                }
            } catch (Exception e) {
                LOG.warn("could not delete image {}: {}", id, e.toString());
            }
        }
    }

    private static Map<String, Map<String, Object>> items(Map<String, Object> json) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Object o : (List<?>) json.get("images")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> item = (Map<String, Object>) o;
            out.put((String) item.get("image_id"), item);
        }
        return out;
    }

    /** Per image of ours: its images row, its non-deleted location rows and its files in a and b. */
    private Map<String, String> state() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String id : images.keySet()) {
            out.put(id, LocalGlance.imageRow(id) + LocalGlance.locations(id) + " " + LocalGlance.file("a", id) + " "
                    + LocalGlance.file("b", id));
        }
        return out;
    }
}
