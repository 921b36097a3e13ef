package org.stowage.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;
import java.util.UUID;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.core.StoreHandle;
import org.stowage.core.Stowage;
import org.stowage.core.audit.AuditOptions;
import org.stowage.core.audit.AuditReport;
import org.stowage.core.audit.Finding;
import org.stowage.core.audit.StoreAudit;
import org.stowage.core.locations.GlanceDatabase;
import org.stowage.core.locations.GlanceImage;
import org.stowage.spi.InventoryPage;

/**
 * The integrity audit ({@link StoreAudit}, whole library in one JVM) on a real Glance database
 * (schema by {@code glance-manage db_sync}, see {@code harness/audit.sh}); prints JSON lines.
 *
 * <ul>
 * <li>{@code meta CONF URL USER PASSWORD STORE COUNT MIN_BYTES MAX_BYTES RUNS PAGE BATCH}: adds COUNT
 * images of MIN..MAX bytes to STORE, records them as Glance does, removes the data of
 * {@value #MISSING} of them and adds {@value #ORPHANS} images no row names; then times the listing
 * of the store alone, the database pass alone, and RUNS metadata audits (page and batch sizes
 * given, grace period 0 so the orphans are checked against the database).</li>
 * <li>{@code once CONF URL USER PASSWORD STORE PAGE BATCH}: one audit of what {@code meta} left, in
 * a fresh JVM (the JVM's uptime is printed too: the cost a command line pays).</li>
 * <li>{@code list CONF STORE PAGES RUNS}: the store's listing alone at each page size of PAGES
 * (comma separated), RUNS times each: how the listing's cost grows with the number of pages.</li>
 * <li>{@code cinder CONF URL USER PASSWORD STORE COUNT PAGES RUNS}: COUNT small images added to
 * the cinder store STORE and recorded, then RUNS audits at each page size of PAGES (comma
 * separated) with the remote calls counted; everything added is deleted at the end.</li>
 * </ul>
 * USER and PASSWORD are "" for SQLite. {@link AuditDeepBench} is the {@code --deep} run.
 */
public final class AuditBench {
    static final int MISSING = 10;
    static final int ORPHANS = 10;

    private AuditBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "meta" -> meta(args);
            case "once" -> once(args);
            case "list" -> list(args);
            case "cinder" -> AuditCinderBench.run(args);
            case "deep" -> AuditDeepBench.run(args);
            default -> throw new IllegalArgumentException("AuditBench mode '" + args[0]
                    + "': expected meta, once, cinder or deep");
        }
    }

    private static void meta(String[] a) throws Exception {
        String url = a[2];
        String user = a[3];
        String password = a[4];
        String store = a[5];
        int count = Integer.parseInt(a[6]);
        int min = Integer.parseInt(a[7]);
        int max = Integer.parseInt(a[8]);
        int runs = Integer.parseInt(a[9]);
        int page = Integer.parseInt(a[10]);
        int batch = Integer.parseInt(a[11]);
        AuditSeed.clear(url, user, password);
        try (Stowage s = Stowage.builder().configFile(Path.of(a[1])).build()) {
            long t0 = System.nanoTime();
            List<AddResult> added = seed(s, url, user, password, store, count, min, max);
            double seedSeconds = secs(t0);
            for (AddResult r : added.subList(0, MISSING)) {
                s.delete(r.location(), store);
            }
            for (int i = 0; i < ORPHANS; i++) {
                s.add(store, AuditSeed.data(min, -1 - i), AddOptions.defaults().declaredSize(min));
            }
            System.out.println(String.format(Locale.ROOT, "{\"step\":\"seed\",\"store\":\"%s\",\"images\":%d,"
                    + "\"bytes\":%d,\"seconds\":%.2f,\"missing\":%d,\"orphans\":%d}", store, count,
                    added.stream().mapToLong(AddResult::size).sum(), seedSeconds, MISSING, ORPHANS));
            for (int run = 1; run <= runs; run++) {
                listing(s.store(store), page, run, "listing");
                databasePass(url, user, password, batch, run);
                System.out.println(json("meta", run, audit(s, url, user, password, options(store, page, batch))));
            }
        }
    }

    /** Adds COUNT images (sizes MIN..MAX, a fixed seed) and records each as Glance does. */
    private static List<AddResult> seed(Stowage s, String url, String user, String password, String store, int count,
            int min, int max) throws Exception {
        Random sizes = new Random(42);
        List<AddResult> out = new ArrayList<>();
        try (AuditSeed db = AuditSeed.open(url, user, password)) {
            for (int i = 0; i < count; i++) {
                String id = UUID.randomUUID().toString();
                long size = min + sizes.nextInt(max - min + 1);
                AddResult r = s.add(store, AuditSeed.data(size, i), AddOptions.defaults().imageId(id)
                        .declaredSize(size));
                db.record(id, size, r, store);
                out.add(r);
            }
        }
        return out;
    }

    static AuditOptions options(String store, int page, int batch) {
        return AuditOptions.defaults().stores(List.of(store)).pageSize(page).batchSize(batch)
                .olderThan(Duration.ZERO);
    }

    /** One audit with its own database connection, as a command opens it; the wall time includes the open. */
    static Timed audit(Stowage s, String url, String user, String password, AuditOptions o) {
        long t0 = System.nanoTime();
        try (GlanceDatabase db = GlanceDatabase.open(url, user.isEmpty() ? null : user,
                password.isEmpty() ? null : password)) {
            AuditReport r = new StoreAudit(s, db, o).run(f -> { });
            return new Timed(r, secs(t0));
        }
    }

    /** An audit's report and its wall time (opening the database included). */
    record Timed(AuditReport report, double seconds) {
    }

    /** The store's inventory alone, page by page as the audit lists it: pages (calls) and time. */
    private static void listing(StoreHandle h, int page, int run, String step) {
        long t0 = System.nanoTime();
        String cursor = null;
        int pages = 0;
        long entries = 0;
        while (true) {
            InventoryPage p = h.listImages(cursor, page);
            pages++;
            entries += p.entries().size();
            if (p.next().isEmpty()) {
                break;
            }
            cursor = p.next().get();
        }
        System.out.println(String.format(Locale.ROOT, "{\"step\":\"%s\",\"run\":%d,\"store\":\"%s\","
                + "\"page\":%d,\"pages\":%d,\"entries\":%d,\"seconds\":%.3f}", step, run, h.id(), page, pages, entries,
                secs(t0)));
    }

    /** The database side alone: every non-deleted image, a batch at a time, as the audit reads them. */
    private static void databasePass(String url, String user, String password, int batch, int run) {
        long t0 = System.nanoTime();
        try (GlanceDatabase db = GlanceDatabase.open(url, user.isEmpty() ? null : user,
                password.isEmpty() ? null : password)) {
            double open = secs(t0);
            String after = "";
            long images = 0;
            while (true) {
                List<GlanceImage> b = db.images(after, batch);
                if (b.isEmpty()) {
                    break;
                }
                images += b.size();
                after = b.get(b.size() - 1).id();
            }
            System.out.println(String.format(Locale.ROOT, "{\"step\":\"db-pass\",\"run\":%d,\"batch\":%d,"
                    + "\"images\":%d,\"db_round_trips\":%d,\"open_seconds\":%.3f,\"seconds\":%.3f}", run, batch,
                    images, db.roundTrips(), open, secs(t0)));
        }
    }

    private static void list(String[] a) {
        try (Stowage s = Stowage.builder().configFile(Path.of(a[1])).build()) {
            int runs = Integer.parseInt(a[4]);
            for (String page : a[3].split(",")) {
                for (int run = 1; run <= runs; run++) {
                    listing(s.store(a[2]), Integer.parseInt(page.trim()), run, "list");
                }
            }
        }
    }

    private static void once(String[] a) throws Exception {
        long t0 = System.nanoTime();
        try (Stowage s = Stowage.builder().configFile(Path.of(a[1])).build()) {
            double built = secs(t0);
            Timed t = audit(s, a[2], a[3], a[4], options(a[5], Integer.parseInt(a[6]), Integer.parseInt(a[7])));
            String line = json("once", 1, t);
            System.out.println(line.substring(0, line.length() - 1) + String.format(Locale.ROOT,
                    ",\"stowage_build_seconds\":%.3f,\"jvm_uptime_seconds\":%.3f}", built,
                    ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0));
        }
    }

    /** One audit as a JSON line: wall time, counts, round trips, remote calls, findings by kind. */
    static String json(String step, int run, Timed t) {
        AuditReport r = t.report();
        StringJoiner kinds = new StringJoiner(",", "{", "}");
        for (Map.Entry<Finding.Kind, Long> e : r.totals().entrySet()) {
            if (e.getValue() > 0) {
                kinds.add("\"" + e.getKey().key() + "\":" + e.getValue());
            }
        }
        double seconds = r.durationMillis() / 1000.0;
        return String.format(Locale.ROOT, "{\"step\":\"%s\",\"run\":%d,\"seconds\":%.3f,\"audit_seconds\":%.3f,"
                + "\"images\":%d,\"locations\":%d,\"stored\":%d,\"images_per_s\":%.0f,\"db_round_trips\":%d,"
                + "\"remote_calls\":%d,\"hashed_bytes\":%d,\"findings\":%s}", step, run, t.seconds(), seconds,
                r.images(), r.locations(), r.storedImages(), r.images() / Math.max(seconds, 1e-3), r.dbRoundTrips(),
                r.remoteCalls(), r.hashedBytes(), kinds);
    }

    static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
