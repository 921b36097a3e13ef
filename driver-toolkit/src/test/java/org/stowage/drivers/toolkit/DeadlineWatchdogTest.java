package org.stowage.drivers.toolkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadlineWatchdogTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void aPassedDeadlineClosesTheConnectionAndMarksTheWatchExpired() throws Exception {
        DeadlineWatchdog dog = new DeadlineWatchdog(10, scheduler);
        CountDownLatch closed = new CountDownLatch(1);
        DeadlineWatchdog.Watch w = dog.watch(closed::countDown);
        w.arm(DeadlineWatchdog.after(System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(30)));
        assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(w.expired()).isTrue();
        dog.stop();
    }

    @Test
    void aDisarmedWatchIsLeftAloneUntilStop() throws Exception {
        DeadlineWatchdog dog = new DeadlineWatchdog(10, scheduler);
        CountDownLatch closed = new CountDownLatch(1);
        DeadlineWatchdog.Watch w = dog.watch(closed::countDown);
        w.arm(DeadlineWatchdog.after(System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(30)));
        w.disarm();
        assertThat(closed.await(200, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(w.expired()).isFalse();
        dog.stop();
        assertThat(closed.await(1, TimeUnit.SECONDS)).as("stop closes what is still watched").isTrue();
        CountDownLatch released = new CountDownLatch(1);
        dog.watch(released::countDown).release();
        dog.stop();
        assertThat(released.getCount()).as("a released watch is not closed by stop").isEqualTo(1);
    }

    @Test
    void deadlineArithmetic() {
        assertThat(DeadlineWatchdog.after(100, 0)).isEqualTo(DeadlineWatchdog.NONE);
        assertThat(DeadlineWatchdog.after(100, 5)).isEqualTo(105);
        assertThat(DeadlineWatchdog.after(-5, 5)).as("0 is NONE, so a deadline landing there moves by 1").isEqualTo(1);
        assertThat(DeadlineWatchdog.earliest(DeadlineWatchdog.NONE, 7)).isEqualTo(7);
        assertThat(DeadlineWatchdog.earliest(9, 7)).isEqualTo(7);
        assertThat(DeadlineWatchdog.passed(DeadlineWatchdog.NONE, Long.MAX_VALUE)).isFalse();
        assertThat(DeadlineWatchdog.passed(10, 10)).isTrue();
        assertThat(DeadlineWatchdog.passed(10, 9)).isFalse();
    }
}
