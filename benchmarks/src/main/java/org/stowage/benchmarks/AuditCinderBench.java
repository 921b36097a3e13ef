package org.stowage.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.core.StoreHandle;
import org.stowage.core.Stowage;
import org.stowage.drivers.cinder.LocalCinder;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.spi.StoreException;

/**
 * The metadata audit of a cinder store on the local Cinder: COUNT small image-volumes added and
 * recorded as Glance does, then audited at several inventory page sizes, with the store's remote
 * calls (Keystone's among them) and the volumes in the project (what the listing pages over: every
 * volume of the project, not only this store's) counted beside each run. Every volume added is
 * deleted at the end, and the rows removed. See {@link AuditBench} for the arguments.
 */
final class AuditCinderBench {
    /** Bytes per image: the data does not matter to a metadata audit. */
    static final int SIZE = 4096;
    /** How long the end waits for Cinder to finish deleting the volumes. */
    static final long GONE_DEADLINE_SECONDS = 300;

    private AuditCinderBench() {
    }

    static void run(String[] a) throws Exception {
        String url = a[2];
        String user = a[3];
        String password = a[4];
        String store = a[5];
        int count = Integer.parseInt(a[6]);
        List<Integer> pages = new ArrayList<>();
        for (String p : a[7].split(",")) {
            pages.add(Integer.parseInt(p.trim()));
        }
        int runs = Integer.parseInt(a[8]);
        AuditSeed.clear(url, user, password);
        List<String> added = new ArrayList<>();
        try (Stowage s = Stowage.builder().configFile(Path.of(a[1])).build(); CinderClient c = LocalCinder.client()) {
            try {
                seed(s, url, user, password, store, count, added);
                for (int page : pages) {
                    for (int run = 1; run <= runs; run++) {
                        measure(s, c, url, user, password, store, page, run);
                    }
                }
            } finally {
                cleanUp(s, store, added);
                awaitGone(c, added);
                AuditSeed.clear(url, user, password);
            }
        }
    }

    private static void seed(Stowage s, String url, String user, String password, String store, int count,
            List<String> added) throws Exception {
        long t0 = System.nanoTime();
        try (AuditSeed db = AuditSeed.open(url, user, password)) {
            for (int i = 0; i < count; i++) {
                String id = UUID.randomUUID().toString();
                AddResult r = s.add(store, AuditSeed.data(SIZE, i), AddOptions.defaults().imageId(id).declaredSize(SIZE));
                added.add(r.location());
                db.record(id, SIZE, r, store);
            }
        }
        double seconds = AuditBench.secs(t0);
        System.out.println(String.format(Locale.ROOT, "{\"step\":\"cinder-seed\",\"store\":\"%s\",\"images\":%d,"
                + "\"seconds\":%.1f,\"seconds_per_add\":%.2f}", store, count, seconds, seconds / count));
    }

    private static void measure(Stowage s, CinderClient c, String url, String user, String password, String store,
            int page, int run) {
        int before = c.listVolumes(false).size();
        StoreHandle h = s.store(store);
        long keystone = h.statistics().getOrDefault("keystone_calls", 0L);
        AuditBench.Timed t = AuditBench.audit(s, url, user, password, AuditBench.options(store, page, 500));
        long keystoneCalls = h.statistics().getOrDefault("keystone_calls", 0L) - keystone;
        int after = c.listVolumes(false).size();
        String line = AuditBench.json("cinder", run, t);
        System.out.println(line.substring(0, line.length() - 1) + String.format(Locale.ROOT,
                ",\"page\":%d,\"keystone_calls\":%d,\"project_volumes_before\":%d,\"project_volumes_after\":%d,"
                + "\"pages_of_project\":%d}", page, keystoneCalls, before, after, before / page + 1));
    }

    /** Waits (at most {@link #GONE_DEADLINE_SECONDS}) until Cinder lists none of the volumes added; says how many are left. */
    private static void awaitGone(CinderClient c, List<String> added) throws InterruptedException {
        Set<String> ids = new HashSet<>();
        added.forEach(l -> ids.add(l.substring(l.lastIndexOf('/') + 1)));
        long deadline = System.nanoTime() + GONE_DEADLINE_SECONDS * 1_000_000_000L;
        long left;
        do {
            left = c.listVolumes(false).stream().filter(v -> ids.contains(v.id())).count();
            if (left > 0) {
                Thread.sleep(1000);
            }
        } while (left > 0 && System.nanoTime() < deadline);
        System.out.println("{\"step\":\"cinder-gone\",\"volumes_left\":" + left + "}");
    }

    /** Deletes every volume this run added (each one tried; failures listed). */
    private static void cleanUp(Stowage s, String store, List<String> added) {
        long t0 = System.nanoTime();
        List<String> failed = new ArrayList<>();
        for (String l : added) {
            try {
                s.delete(l, store);
            } catch (StoreException e) {
                failed.add(l + ": " + e.getMessage());
            }
        }
        System.out.println(String.format(Locale.ROOT, "{\"step\":\"cinder-cleanup\",\"deleted\":%d,\"failed\":%d,"
                + "\"seconds\":%.1f}", added.size() - failed.size(), failed.size(), AuditBench.secs(t0)));
        failed.forEach(f -> System.err.println("not deleted: " + f));
    }
}
