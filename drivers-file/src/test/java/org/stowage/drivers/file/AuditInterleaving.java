package org.stowage.drivers.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.core.Stowage;
import org.stowage.core.audit.AuditOptions;
import org.stowage.core.audit.AuditReport;
import org.stowage.core.audit.Finding;
import org.stowage.core.audit.StoreAudit;
import org.stowage.core.locations.GlanceDatabase;
import org.stowage.drivers.file.AuditModel.Img;
import org.stowage.drivers.file.AuditModel.Row;
import org.stowage.testing.GlanceDatabaseServer;

/**
 * One seeded run of the audit property test: two file stores (one or two data directories
 * each), Glance's real schema, and a random interleaving of adds (recorded, unrecorded, held,
 * gated mid-stream, killed mid-stream, retried), copies, deletes (as Glance does, delayed, and
 * crashed either way round), scrubs and audits, each audit checked against the model
 * ({@link AuditChecks}), the directories checked after every step.
 */
final class AuditInterleaving implements AutoCloseable {
    static final List<String> STORES = List.of("fs1", "fs2");
    private static final int MAX_GATED = 3;
    private static final int MAX_KILLED = 2;

    final long seed;
    final Random rnd;
    final AuditModel model = new AuditModel();
    final List<String> log = new ArrayList<>();
    final Map<String, List<Path>> dirs = new LinkedHashMap<>();
    final Stowage stowage;
    final GlanceRows glance;
    private final GlanceDatabase db;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "audit-property-add");
        t.setDaemon(true);
        return t;
    });
    final List<GatedAdd> gated = new ArrayList<>();
    /** Image id → store of adds killed mid-stream whose image is still 'saving'. */
    final Map<String, String> killed = new LinkedHashMap<>();
    /** What each add returned, by location (size and hashes for Glance). */
    final Map<String, AddResult> results = new LinkedHashMap<>();
    int kills;
    int audits;

    AuditInterleaving(long seed, Path root, GlanceDatabaseServer server) throws Exception {
        this.seed = seed;
        this.rnd = new Random(seed);
        StringBuilder conf = new StringBuilder("[DEFAULT]\nenabled_backends = fs1:file, fs2:file\n[glance_store]\n"
                + "default_backend = fs1\n");
        for (String s : STORES) {
            int n = 1 + rnd.nextInt(2);
            List<Path> ds = new ArrayList<>();
            conf.append('[').append(s).append("]\n");
            for (int i = 0; i < n; i++) {
                Path d = root.resolve(s + "-" + (char) ('a' + i));
                ds.add(d);
                conf.append(n == 1 ? "filesystem_store_datadir = " + d : "filesystem_store_datadirs = " + d + ":100")
                        .append('\n');
            }
            dirs.put(s, ds);
        }
        conf.append("[os_glance_staging_store]\nfilesystem_store_datadir = ").append(root.resolve("staging"))
                .append("\n[os_glance_tasks_store]\nfilesystem_store_datadir = ").append(root.resolve("tasks")).append('\n');
        Path file = root.resolve("glance-api.conf");
        Files.writeString(file, conf);
        this.stowage = Stowage.builder().configFile(file).pluginsDir(null).build();
        this.glance = new GlanceRows(server);
        glance.clear();
        this.db = GlanceDatabase.open(server.jdbcUrl(), null, null);
        log.add("stores " + dirs);
    }

    /** Runs {@code steps} random steps, then a final audit that removes the orphans and one that finds none. */
    void run(int steps) throws Exception {
        for (int i = 0; i < steps; i++) {
            step();
            AuditChecks.disk(model, dirs);
        }
        while (!gated.isEmpty()) {
            finishGated(gated.get(0));
        }
        audit(AuditOptions.defaults().olderThan(Duration.ZERO).fix(AuditOptions.Fix.ORPHANS).apply(true));
        AuditReport last = audit(AuditOptions.defaults().olderThan(Duration.ZERO));
        assertThat(last.count(Finding.Kind.ORPHAN)).as("orphans after the fix").isZero();
        AuditChecks.disk(model, dirs);
    }

    private void step() throws Exception {
        int r = rnd.nextInt(100);
        if (r < 18) {
            addRecorded();
        } else if (r < 24) {
            addUnrecorded();
        } else if (r < 32) {
            new HeldAdds(this).add();
        } else if (r < 37) {
            new HeldAdds(this).release();
        } else if (r < 42 && gated.size() < MAX_GATED) {
            startGated();
        } else if (r < 47 && !gated.isEmpty()) {
            if (rnd.nextInt(4) == 0) {
                failGated(gated.get(rnd.nextInt(gated.size())));
            } else {
                finishGated(gated.get(rnd.nextInt(gated.size())));
            }
        } else if (r < 50 && kills < MAX_KILLED) {
            killedAdd();
        } else if (r < 53 && !killed.isEmpty()) {
            retryKilled();
        } else if (r < 57) {
            new Deletes(this).copy();
        } else if (r < 61) {
            if (rnd.nextBoolean()) {
                new Deletes(this).share();
            } else {
                new Deletes(this).deactivate();
            }
        } else if (r < 75) {
            new Deletes(this).delete();
        } else if (r < 79) {
            new Deletes(this).scrub();
        } else {
            randomAudit();
        }
    }

    String newId() {
        return new UUID(rnd.nextLong(), rnd.nextLong()).toString();
    }

    byte[] bytes(int min) {
        byte[] b = new byte[min + rnd.nextInt(60_000)];
        rnd.nextBytes(b);
        return b;
    }

    String pickStore() {
        return STORES.get(rnd.nextInt(STORES.size()));
    }

    /**
     * The store a new row's metadata names: mostly its own; a fifth of rows are legacy rows (no
     * store), a tenth name a store that is not configured any more.
     */
    String meta(String store) {
        int k = rnd.nextInt(10);
        return k < 2 ? null : k == 2 ? AuditModel.RETIRED : store;
    }

    <T> T pick(List<T> from) {
        return from.isEmpty() ? null : from.get(rnd.nextInt(from.size()));
    }

    void log(String what) {
        log.add(what);
    }

    /** Adds the bytes through the store's add pipeline and records the data in the model. */
    AddResult add(String store, String id, byte[] bytes) {
        AddResult r = stowage.add(store, new ByteArrayInputStream(bytes), AddOptions.defaults().imageId(id));
        model.stored(r.location(), store, id, bytes);
        results.put(r.location(), r);
        return r;
    }

    /** An upload as Glance makes it (queued, saving, data, active with its location), or the row written after. */
    private void addRecorded() throws Exception {
        String store = pickStore();
        String id = newId();
        boolean glanceOrder = rnd.nextBoolean();
        String meta = meta(store);
        if (glanceOrder) {
            glance.create(id, "queued", null, List.of(), Map.of());
            glance.status(id, "saving");
        }
        AddResult r = add(store, id, bytes(1));
        Row row = new Row(r.location(), store, meta);
        if (glanceOrder) {
            glance.activate(id, r, List.of(row.loc()));
        } else {
            glance.createActive(id, r, List.of(row.loc()));
        }
        model.image(id, "active").rows.add(row);
        log("add " + id + " to " + store + ", recorded" + (meta == null ? " as a legacy row"
                : row.foreign() ? " naming store '" + meta + "'" : "")
                + (glanceOrder ? " (queued, saving, active)" : ""));
    }

    /** Data with no image row at all: a crash between the store's add and Glance's image_create. */
    private void addUnrecorded() {
        String store = pickStore();
        String id = newId();
        add(store, id, bytes(1));
        log("add " + id + " to " + store + ", no image row");
    }

    /** An upload whose source stops after its first bytes: the image saving, its partial file growing. */
    private void startGated() throws Exception {
        String store = pickStore();
        String id = newId();
        glance.create(id, "queued", null, List.of(), Map.of());
        glance.status(id, "saving");
        model.image(id, "saving");
        GatedAdd g = GatedAdd.start(stowage, pool, store, dirs.get(store), id, bytes(5_000));
        model.partial(g.location, store, 1);
        gated.add(g);
        log("gated add of " + id + " to " + store + " writing at " + g.location);
    }

    private void finishGated(GatedAdd g) throws Exception {
        gated.remove(g);
        AddResult r = g.finish();
        assertThat(r.location()).as("the image lands where its partial file was").isEqualTo(g.location);
        model.partial(g.location, g.store, -1);
        model.stored(r.location(), g.store, g.imageId, g.bytes);
        results.put(r.location(), r);
        Img i = model.images.get(g.imageId);
        boolean record = !i.deleted && "saving".equals(i.status) && rnd.nextInt(5) != 0;
        if (record) {
            Row row = new Row(r.location(), g.store, g.store);
            glance.activate(i.id, r, List.of(row.loc()));
            i.status = "active";
            i.rows.add(row);
        }
        log("gated add of " + g.imageId + " finished at " + r.location() + (record ? ", recorded"
                : ", not recorded (image " + i.status + (i.deleted ? ", deleted" : "") + ")"));
    }

    private void failGated(GatedAdd g) throws Exception {
        gated.remove(g);
        Throwable why = g.fail();
        model.partial(g.location, g.store, -1);
        Img i = model.images.get(g.imageId);
        if (!i.deleted) {
            i.status = rnd.nextBoolean() ? "queued" : "killed";
            glance.status(i.id, i.status);
        }
        log("gated add of " + g.imageId + " failed (" + why.getMessage() + "), image " + i.status);
    }

    /** An add in another process, killed mid-stream: its partial file stays, its image stays 'saving'. */
    private void killedAdd() throws Exception {
        String store = pickStore();
        String id = newId();
        glance.create(id, "queued", null, List.of(), Map.of());
        glance.status(id, "saving");
        model.image(id, "saving");
        List<String> args = new ArrayList<>();
        List<Path> ds = dirs.get(store);
        ds.forEach(d -> args.add(ds.size() == 1 ? d.toString() : d + ":100"));
        GatedAdd.killMidStream(args, id);
        Path partial = GatedAdd.partialFile(ds, id).orElseThrow(() -> new AssertionError(
                "the killed add of " + id + " left no partial file in " + ds));
        String location = "file://" + partial.resolveSibling(id);
        model.partial(location, store, 1);
        killed.put(id, store);
        kills++;
        log("add of " + id + " to " + store + " killed mid-stream, partial at " + location);
    }

    /** The upload of a killed add's image again (the operator reset it): same id, the partial file still there. */
    private void retryKilled() throws Exception {
        String id = pick(new ArrayList<>(killed.keySet()));
        String store = killed.remove(id);
        Img i = model.images.get(id);
        if (i.deleted || !"saving".equals(i.status)) {
            log("no retry of " + id + ": image " + i.status);
            return;
        }
        glance.status(id, "queued");
        glance.status(id, "saving");
        AddResult r = add(store, id, bytes(1));
        Row row = new Row(r.location(), store, store);
        glance.activate(id, r, List.of(row.loc()));
        i.status = "active";
        i.rows.add(row);
        log("upload of killed " + id + " retried to " + store + ", recorded at " + r.location());
    }

    private void randomAudit() throws Exception {
        AuditOptions o = AuditOptions.defaults().olderThan(rnd.nextInt(4) == 0 ? Duration.ofDays(1) : Duration.ZERO)
                .deep(rnd.nextInt(4) == 0).workers(1 + rnd.nextInt(3)).batchSize(1 + rnd.nextInt(6))
                .pageSize(1 + rnd.nextInt(7));
        int fix = rnd.nextInt(10);
        if (fix >= 4) {
            o = o.fix(AuditOptions.Fix.ORPHANS).apply(fix >= 6);
        }
        if (rnd.nextInt(5) == 0) {
            o = o.stores(List.of(pickStore()));
        }
        List<GatedAdd> racing = gated.stream().filter(g -> !model.images.get(g.imageId).deleted).toList();
        if (!racing.isEmpty() && rnd.nextInt(3) == 0) {
            audit(o, pick(racing));
        } else {
            audit(o);
        }
    }

    /** Runs an audit, checks it against the model, and takes what it removed out of the model. */
    AuditReport audit(AuditOptions o) throws Exception {
        return audit(o, null);
    }

    /**
     * As {@link #audit(AuditOptions)}; with {@code racing}, that gated add is released, published and
     * recorded in Glance while the audit runs.
     */
    private AuditReport audit(AuditOptions o, GatedAdd racing) throws Exception {
        audits++;
        AuditModel.Expected e = model.expected(!o.olderThan().isZero(), o.stores());
        if (racing != null) {
            e.forget(racing.location);
        }
        log("audit " + audits + ": older than " + o.olderThan() + ", fix " + o.fix() + (o.apply() ? " --apply" : "")
                + ", stores " + o.stores() + (o.deep() ? ", deep" : "") + (racing == null ? ""
                        : ", racing the end of the upload of " + racing.imageId) + "; expecting orphans " + e.orphans
                + ", held " + e.held + ", missing " + e.missing);
        AuditReport r;
        if (racing == null) {
            r = new StoreAudit(stowage, db, o).run(f -> { });
        } else {
            CompletableFuture<AuditReport> running = CompletableFuture.supplyAsync(
                    () -> new StoreAudit(stowage, db, o).run(f -> { }), pool);
            finishGated(racing);
            r = running.get(GatedAdd.DEADLINE_SECONDS, TimeUnit.SECONDS);
        }
        Set<String> removed;
        try {
            removed = AuditChecks.report(r, o, e, racing == null ? Set.of() : Set.of(racing.location));
        } catch (AssertionError err) {
            throw new AssertionError(err.getMessage() + "\nfindings:\n" + String.join("\n",
                    r.findings().stream().map(Object::toString).toList()), err);
        }
        removed.forEach(model.data::remove);
        return r;
    }

    @Override
    public void close() {
        for (GatedAdd g : gated) {
            try {
                g.fail();
            } catch (Exception | AssertionError e) {
                log("closing: " + e);
            }
        }
        pool.shutdownNow();
        db.close();
        stowage.close();
    }
}
