package org.stowage.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The kit records the failures its tests see from the threads of its parallel runs (the Duplicate
 * of each losing add of {@code concurrentAddsOfOneIdHaveOneWinner}): no record is lost and none
 * throws, however they interleave. (An unsynchronized list once threw "Index 11 out of bounds for
 * length 10" from that test.)
 */
class KitObserveTest {
    @Test
    void failuresObservedFromManyThreadsAtOnceAreAllRecorded() throws Exception {
        KitTests tests = new KitTests(null) {
        };
        int threads = 8;
        int each = 5_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        List<Throwable> thrown = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        tests.observe(new IllegalStateException("failure " + i));
                    }
                } catch (Throwable e) {
                    synchronized (thrown) {
                        thrown.add(e);
                    }
                }
            });
            th.start();
            started.add(th);
        }
        go.countDown();
        for (Thread th : started) {
            th.join(60_000);
        }
        assertThat(thrown).isEmpty();
        assertThat(tests.observedTexts()).hasSize(threads * each);
    }
}
