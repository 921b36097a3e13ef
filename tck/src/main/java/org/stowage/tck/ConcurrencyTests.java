package org.stowage.tck;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/** Many adds and reads at once through one host, {@link StoreDriverTestKit#parallelism()} at a time. */
public abstract class ConcurrencyTests extends KitTests {
    static final int HOST_CHUNK = StoreDriverTestKit.HOST_CHUNK;

    ConcurrencyTests(StoreDriverTestKit kit) {
        super(kit);
    }

    /** Adds (or seeds) at once, each image read back by its thread; then every thread reads every image, then one image. */
    @Test
    public void concurrentAddsAndReads() throws Exception {
        int n = kit.parallelism();
        byte[][] data = new byte[n][];
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            int size = i % 4 == 0 ? HOST_CHUNK + 17 * i : i % 4 == 1 ? 0 : 1000 + 131 * i;
            data[i] = bytes(size, 100 + i);
            ids[i] = newImageId();
        }
        String[] locations = new String[n];
        runParallel(n, i -> {
            locations[i] = has(StoreBehavior.WRITE) ? add(ids[i], data[i]).location() : seed(ids[i], data[i]);
            assertBytes(read(locations[i]), data[i], "concurrent add+read of image " + i + " (" + locations[i] + ")");
            return null;
        });
        runParallel(n, i -> {
            for (int k = 0; k < n; k++) {
                int j = (i + k) % n;
                assertBytes(read(locations[j]), data[j], "concurrent read of image " + j + " (" + locations[j] + ")");
            }
            return null;
        });
        runParallel(n, i -> {
            assertBytes(read(locations[0]), data[0], "read " + i + " of one image (" + locations[0] + "), all at once");
            return null;
        });
        assertNoLeftovers("concurrent adds");
    }

    /** Concurrent adds of one image id: exactly one wins, every other one fails with Duplicate. */
    @Test
    public void concurrentAddsOfOneIdHaveOneWinner() throws Exception {
        assume(StoreBehavior.REJECTS_DUPLICATE_IDS);
        int n = kit.sameIdAdds();
        String id = newImageId();
        byte[][] data = new byte[n][];
        for (int i = 0; i < n; i++) {
            data[i] = bytes(i % 2 == 0 ? 200_000 : HOST_CHUNK + 5, 1000 + i);
        }
        List<Object> outcomes = runParallel(n, i -> {
            try {
                return add(id, data[i]).location();
            } catch (StoreException e) {
                if (e.kind() != ErrorKind.DUPLICATE) {
                    throw e;
                }
                observe(e);
                return e;
            }
        });
        List<Integer> winners = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (outcomes.get(i) instanceof String) {
                winners.add(i);
            }
        }
        if (winners.size() != 1) {
            fail(n + " concurrent adds of image " + id + " had " + winners.size()
                    + " winners; expected exactly one (the rest failing with Duplicate)");
        }
        int w = winners.get(0);
        assertBytes(read((String) outcomes.get(w)), data[w], "after concurrent adds of image " + id
                + ", get of the winner's location");
        assertNoLeftovers((n - 1) + " failed adds (Duplicate) among " + n + " concurrent adds of one id");
    }

    /** A task of a parallel run. */
    @FunctionalInterface
    interface IndexedTask {
        /** Runs task {@code i}. */
        Object run(int i) throws Exception;
    }

    /** Runs {@code n} tasks at once (released together) and returns their results; rethrows the first failure. */
    final List<Object> runParallel(int n, IndexedTask task) throws Exception {
        Duration timeout = kit.concurrencyTimeout();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch ready = new CountDownLatch(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Object>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int idx = i;
                Callable<Object> c = () -> {
                    ready.countDown();
                    go.await();
                    return task.run(idx);
                };
                futures.add(pool.submit(c));
            }
            ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            go.countDown();
            return results(futures, System.nanoTime() + timeout.toNanos());
        } finally {
            pool.shutdownNow();
        }
    }

    private List<Object> results(List<Future<Object>> futures, long deadline) throws Exception {
        List<Object> out = new ArrayList<>();
        for (Future<Object> f : futures) {
            try {
                out.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw (Exception) e.getCause();
            } catch (TimeoutException e) {
                fail("parallel operations did not finish within " + kit.concurrencyTimeout() + " (deadlock?)");
            }
        }
        return out;
    }
}
