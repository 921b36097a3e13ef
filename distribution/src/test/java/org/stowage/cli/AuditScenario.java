package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.cli.StowageCli.Result;
import org.stowage.testing.GlanceDatabaseServer;
import org.stowage.testing.LocalOpenStack;
import org.stowage.testing.PrintedJson;

/**
 * The world of {@link AuditScenarioIT}: one unpacked installation with a file store {@code file}
 * and two cinder stores {@code fast} and {@code slow} on the local Cinder, each cinder store on a
 * volume type of this run only (the glance-fast and glance-slow backends), so that the audit lists,
 * and {@code --fix orphans --apply} may remove, nothing of other tests running on the shared
 * Cinder; a real Glance database ({@link GlanceDatabaseServer}) written and read through Glance's
 * own DB API. {@link #close} removes every volume of the run's types and the types.
 */
final class AuditScenario implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditScenario.class);
    static final String FILE = "file";
    static final String FAST = "fast";
    static final String SLOW = "slow";
    /** Where the local Cinder's NFS driver keeps its volumes' backing files ({@code volume-<id>}). */
    static final List<Path> EXPORTS = List.of(Path.of("/var/lib/os-cinder-test/nfs/fast"),
            Path.of("/var/lib/os-cinder-test/nfs/slow"));
    static final Duration COMMAND_DEADLINE = Duration.ofMinutes(5);
    /** Where each audit's output is kept for reading after the run (under the module's target/). */
    static final Path REPORTS = Path.of("target", "audit-scenario");

    /** What an add stored: its location, size and hashes (hex), and its volume (null for a file). */
    record Added(String id, String store, String location, long size, String md5, String sha512, String volume) {
    }

    final Path home;
    final Path dir;
    final Path images;
    final Path conf;
    final GlanceDatabaseServer db;
    final CinderUpgradeIT.Cinder cinder;
    /** Volume type name by store ({@code fast}, {@code slow}), and their ids. */
    final Map<String, String> types = new LinkedHashMap<>();
    private final Map<String, String> typeIds = new LinkedHashMap<>();
    /** Every volume this run made (also found again by type at {@link #close}). */
    final Set<String> volumes = new LinkedHashSet<>();
    final List<LiveAdd> live = new ArrayList<>();
    /** Audits run in this JVM: numbers the saved outputs. */
    private static final AtomicInteger AUDITS = new AtomicInteger();

    AuditScenario(Path tmp, GlanceDatabaseServer db) throws Exception {
        this.home = StowageCli.unpack(tmp);
        this.dir = tmp;
        this.db = db;
        this.images = Files.createDirectories(tmp.resolve("images"));
        this.conf = tmp.resolve("glance-api.conf");
        this.cinder = new CinderUpgradeIT.Cinder();
        String run = UUID.randomUUID().toString().substring(0, 8);
        try {
            type(FAST, "stowage-audit-fast-" + run, LocalOpenStack.FAST);
            type(SLOW, "stowage-audit-slow-" + run, LocalOpenStack.SLOW);
            Files.writeString(conf, config(Map.of(FAST, types.get(FAST), SLOW, types.get(SLOW))));
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private void type(String store, String name, String backend) throws Exception {
        Map<String, Object> t = (Map<String, Object>) cinder.call("POST", "/types", "{\"volume_type\": {\"name\": \""
                + name + "\", \"extra_specs\": {\"volume_backend_name\": \"" + backend + "\"}}}").get("volume_type");
        types.put(store, name);
        typeIds.put(store, (String) t.get("id"));
    }

    /**
     * A glance-api.conf with the file store {@code file} and the cinder stores {@code cinder}
     * (store id to volume type, in id order; the default store is {@code file}).
     */
    String config(Map<String, String> cinder) {
        Map<String, String> sorted = new TreeMap<>(cinder);
        StringBuilder b = new StringBuilder("[DEFAULT]\nenabled_backends = file:file");
        sorted.keySet().forEach(id -> b.append(", ").append(id).append(":cinder"));
        b.append("\n[glance_store]\ndefault_backend = file\n[file]\nfilesystem_store_datadir = ").append(images).append('\n');
        sorted.forEach((store, type) -> b.append('[').append(store).append("]\ncinder_volume_type = ").append(type)
                .append("\ncinder_catalog_info = volumev3:cinderv3:publicURL\ncinder_store_auth_address = ")
                .append(LocalOpenStack.KEYSTONE).append("\ncinder_store_user_name = ").append(LocalOpenStack.USER)
                .append("\ncinder_store_password = ").append(LocalOpenStack.PASSWORD)
                .append("\ncinder_store_project_name = ").append(LocalOpenStack.PROJECT)
                .append("\ncinder_os_region_name = RegionOne\ncinder_state_transition_timeout = 300\n")
                .append("cinder_mount_point_base = ").append(LocalOpenStack.MOUNT_POINT_BASE).append('\n'));
        b.append("[os_glance_staging_store]\nfilesystem_store_datadir = ").append(dir.resolve("staging")).append('\n')
                .append("[os_glance_tasks_store]\nfilesystem_store_datadir = ").append(dir.resolve("tasks")).append('\n');
        if (db.engine() == GlanceDatabaseServer.Engine.SQLITE) {
            // the audit finds the database as an operator's glance-api.conf names it
            b.append("[database]\nconnection = ").append(db.sqlalchemyUrl()).append('\n');
        }
        return b.toString();
    }

    /** {@code n} bytes of seeded random data. */
    static byte[] data(int n, long seed) {
        byte[] d = new byte[n];
        new Random(seed).nextBytes(d);
        return d;
    }

    static String hex(String algorithm, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    }

    /** {@code stowage add --store S --image-id ID FILE}: must succeed; the stored image as it printed it. */
    Added add(String store, String id, byte[] data) throws Exception {
        Path f = dir.resolve("upload-" + id);
        Files.write(f, data);
        Result r = StowageCli.runWithin(COMMAND_DEADLINE, StowageCli.builder(home, "--config", conf.toString(), "add",
                "--store", store, "--image-id", id, f.toString()));
        Files.delete(f);
        assertThat(r.code()).as("add %s to %s: %s", id, store, r.err()).isZero();
        Map<String, Object> out = PrintedJson.object(r.out());
        String location = (String) out.get("location");
        String volume = store.equals(FILE) ? null : location.substring(location.lastIndexOf('/') + 1);
        if (volume != null) {
            volumes.add(volume);
        }
        assertThat(out).as("add %s", id).containsEntry("checksum", hex("MD5", data))
                .containsEntry("multihash", hex("SHA-512", data)).containsEntry("metadata", Map.of("store", store));
        return new Added(id, store, location, data.length, hex("MD5", data), hex("SHA-512", data), volume);
    }

    /** An images row for Glance's DB API {@code create}: size, hashes, status, its one location. */
    static Map<String, Object> row(Added a, String status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("status", status);
        m.put("size", a.size());
        m.put("checksum", a.md5());
        m.put("os_hash_algo", "sha512");
        m.put("os_hash_value", a.sha512());
        m.put("locations", List.of(Map.of("url", a.location(), "metadata", Map.of("store", a.store()))));
        return m;
    }

    /** Glance's DB API: {@code create} these images. */
    void create(List<Map<String, Object>> rows) throws Exception {
        db.glanceApi("create", Json.render(rows));
    }

    /** Glance's DB API: {@code command} with {@code request} (a map). */
    void glance(String command, Map<String, ?> request) throws Exception {
        db.glanceApi(command, Json.render(request));
    }

    /** Glance's DB API {@code read} (or {@code read_deleted}) of {@code ids}: image id to what image_get gave. */
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> read(Collection<String> ids, boolean deleted) throws Exception {
        String reply = db.glanceApi(deleted ? "read_deleted" : "read", Json.render(List.copyOf(ids)));
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        PrintedJson.object(reply).forEach((id, v) -> out.put(id, (Map<String, Object>) v));
        return out;
    }

    /** {@code stowage --config CONF audit --json --older-than 0s <database options> extra...}, within 5 minutes. */
    Result audit(String... extra) throws Exception {
        return audit(conf, extra);
    }

    /** {@link #audit(String...)} with the configuration {@code config}. */
    Result audit(Path config, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--config", config.toString(), "audit", "--json", "--older-than", "0s"));
        if (db.engine() != GlanceDatabaseServer.Engine.SQLITE) {
            args.addAll(List.of("--glance-db", db.jdbcUrl(), "--db-user", GlanceDatabaseServer.USER,
                    "--db-password-file", db.passwordFile().toString()));
        }
        args.addAll(List.of(extra));
        long t0 = System.nanoTime();
        Result r = StowageCli.runWithin(COMMAND_DEADLINE, StowageCli.builder(home, args.toArray(String[]::new)));
        LOG.info("audit {}: exit {} in {} ms", List.of(extra), r.code(), (System.nanoTime() - t0) / 1_000_000);
        Path saved = REPORTS.resolve(db.engine().name().toLowerCase(Locale.ROOT));
        Files.createDirectories(saved);
        Files.writeString(saved.resolve(String.format(Locale.ROOT, "%02d-audit%s.json", AUDITS.incrementAndGet(),
                String.join("", extra).replace("--", "-"))), r.out() + "\n// exit " + r.code() + "\n// " + r.err());
        return r;
    }

    /** Truncates the image file of {@code a} in place (same inode) to {@code size} bytes. */
    static void truncateInPlace(Path file, long size) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    /** The backing file of a volume of the local Cinder's NFS driver. */
    static Path backingFile(String volume) {
        for (Path export : EXPORTS) {
            Path f = export.resolve("volume-" + volume);
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        throw new AssertionError("no backing file volume-" + volume + " under " + EXPORTS);
    }

    /** Inverts the byte at {@code offset} of a file, in place. */
    static void flipByte(Path file, long offset) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0xFF);
            f.getFD().sync();
        }
    }

    /** Starts an add kept mid-stream ({@link LiveAdd}); it is killed at {@link #close} if still running. */
    LiveAdd startLive(String store, String id) throws Exception {
        LiveAdd add = LiveAdd.start(home, conf, dir, store, id);
        live.add(add);
        return add;
    }

    /** The store's volume named {@code image-<id>} as Cinder lists it, or null. */
    @SuppressWarnings("unchecked")
    Map<String, Object> imageVolume(String id) throws Exception {
        List<Map<String, Object>> vs = (List<Map<String, Object>>) cinder.call("GET", "/volumes/detail?name=image-" + id,
                null).get("volumes");
        return vs.isEmpty() ? null : vs.get(0);
    }

    /** True while Cinder has the volume and is not deleting it. */
    boolean volumeExists(String volume) throws Exception {
        Map<String, Object> v = cinder.volume(volume);
        return v != null && !"deleting".equals(v.get("status"));
    }

    /** The ids of every volume of this run's types. */
    @SuppressWarnings("unchecked")
    List<String> volumesOfOurTypes() throws Exception {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> v : (List<Map<String, Object>>) cinder.call("GET", "/volumes/detail", null)
                .get("volumes")) {
            if (types.containsValue(v.get("volume_type"))) {
                out.add((String) v.get("id"));
            }
        }
        return out;
    }

    /** Kills the adds still running, deletes every volume of the run (and their attachments), then its types. */
    @Override
    public void close() throws Exception {
        for (LiveAdd a : live) {
            a.kill();
        }
        Set<String> all = new LinkedHashSet<>(volumes);
        all.addAll(volumesOfOurTypes());
        for (String v : all) {
            cinder.deleteVolumeAndAttachments(v);
        }
        for (String v : all) {
            cinder.awaitGone(v);
        }
        for (String id : typeIds.values()) {
            try {
                cinder.api.call("DELETE", "/types/" + id, null); // sent again while Cinder's SQLite is locked
            } catch (IllegalStateException e) {
                LOG.warn("could not delete volume type {}: {}", id, e.getMessage());
            }
        }
    }
}
