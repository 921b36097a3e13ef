package org.stowage.drivers.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageStream;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;
import org.stowage.spi.StoreSettings;
import org.stowage.tck.TestStoreContext;

/**
 * The file store opens image files on the threads the host lends it, never on threads of its
 * own: a store has no thread the host cannot see, size or shut down.
 */
class FileStoreLentThreadsTest {
    @TempDir
    Path root;
    private ThreadPoolExecutor lent;
    private TestStoreContext base;
    private FileStoreDriver store;

    @BeforeEach
    void setUp() {
        lent = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "lent-worker");
            t.setDaemon(true);
            return t;
        });
        FileStoreDriverFactory f = new FileStoreDriverFactory();
        base = TestStoreContext.of(f, "fs", List.of(Setting.of(FileOptions.DATADIR.name(), root.toString(), "test")),
                true);
        store = (FileStoreDriver) f.create(new LendingContext(base, lent));
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close();
        base.close();
        lent.shutdownNow();
        assertThat(lent.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private StoreLocation image(String name, byte... data) throws IOException {
        Files.write(root.resolve(name), data);
        return store.locations().parse("file://" + root.resolve(name));
    }

    @Test
    void anImageFileIsOpenedOnALentThread() throws Exception {
        StoreLocation loc = image("img", (byte) 4, (byte) 2);
        try (ImageStream s = store.get(loc, 0, -1)) {
            assertThat(s.readAllBytes()).containsExactly(4, 2);
        }
        assertThat(lent.getTaskCount()).as("opens run on the host's workers").isEqualTo(1);
    }

    /**
     * When every lent thread is busy the read does not wait for one without end: it fails within
     * the open deadline as a backend failure naming the file, the open it gave up on never runs
     * later (no descriptor is left behind), and the next read, with a thread free, is served.
     */
    @Test
    void whenNoLentThreadIsFreeAReadFailsWithinTheDeadlineAndLeavesNothingOpen() throws Exception {
        StoreLocation loc = image("img", (byte) 7);
        CountDownLatch busy = new CountDownLatch(1);
        lent.execute(() -> {
            try {
                busy.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long t0 = System.nanoTime();
        Throwable e = CompletableFuture.supplyAsync(() -> catchThrowable(() -> store.get(loc, 0, -1).close()))
                .get(10, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        busy.countDown();
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND)
                .hasMessage("store 'fs': cannot open image file " + root.resolve("img") + ": IOException: no thread "
                        + "of the host was free to open it within 2000 ms");
        assertThat(ms).isBetween(1_900L, 5_000L);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (lent.getTaskCount() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(FileFixture.openUnder(List.of(root))).as("the open given up on never ran").isZero();
        try (ImageStream s = store.get(loc, 0, -1)) {
            assertThat(s.readAllBytes()).containsExactly(7);
        }
    }

    /** A static pool would be a set of threads owned by nobody: never sized by the host, never shut down. */
    @Test
    void noMainClassHoldsAStaticExecutor() throws Exception {
        Path classes = Path.of(FileStoreDriver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> found;
        try (Stream<Path> files = Files.walk(classes)) {
            found = files.filter(p -> p.toString().endsWith(".class"))
                    .map(p -> classes.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .flatMap(FileStoreLentThreadsTest::staticExecutorFields).toList();
        }
        assertThat(found).isEmpty();
    }

    private static Stream<String> staticExecutorFields(String className) {
        try {
            Class<?> c = Class.forName(className, false, FileStoreLentThreadsTest.class.getClassLoader());
            return Stream.of(c.getDeclaredFields())
                    .filter(f -> Modifier.isStatic(f.getModifiers()) && Executor.class.isAssignableFrom(f.getType()))
                    .map(Field::toString);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(className, e);
        }
    }

    /** The test kit's context, lending {@code workers} as the host's threads for blocking work. */
    private record LendingContext(StoreContext base, ExecutorService workers) implements StoreContext {
        @Override
        public String storeId() {
            return base.storeId();
        }

        @Override
        public String storeType() {
            return base.storeType();
        }

        @Override
        public StoreSettings settings() {
            return base.settings();
        }

        @Override
        public boolean multiStore() {
            return base.multiStore();
        }

        @Override
        public ScheduledExecutorService scheduler() {
            return base.scheduler();
        }
    }
}
