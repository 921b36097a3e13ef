package org.stowage.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.stowage.core.io.HostExecutors;
import org.stowage.spi.AddRequest;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * The host's add loop and gates through {@link Stowage}, with an in-memory driver
 * ({@link FakeDriverFactory}): whatever fails, the writer is aborted; the write gates are the
 * host's decisions, not the driver's.
 */
class AddPipelineTest {
    private static final String RESERVED = "[os_glance_staging_store]\nschemes = staging\n"
            + "[os_glance_tasks_store]\nschemes = tasks\n";

    static Stowage build(FakeDriverFactory f, String sections) {
        return StowageTest.build("[DEFAULT]\nenabled_backends = a:mem, w:mem\n[glance_store]\ndefault_backend = a\n"
                + sections + RESERVED, f, StowageTest.reservedFile());
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void theWriterIsAbortedWhenItsCommitThrows() {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        try (Stowage s = build(f, "[a]\ncommit_failure = the backend lost the volume\n")) {
            String id = UUID.randomUUID().toString();
            assertThatThrownBy(() -> s.add("a", new ByteArrayInputStream(random(3 << 20)), AddOptions.defaults().imageId(id).declaredSize(3 << 20)))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND)
                    .hasMessageContaining("the backend lost the volume");
            assertThat(f.created.get("a").aborted).containsExactly(id);
            assertThat(f.created.get("a").images).isEmpty();
        }
    }

    @Test
    void anyNegativeDeclaredSizeReachesTheDriverAsUnknown() {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        try (Stowage s = build(f, "")) {
            String id = UUID.randomUUID().toString();
            byte[] data = random(1000);
            AddResult r = s.store("a").add(id, new ByteArrayInputStream(data), -5, "sha512", null);
            assertThat(r.size()).isEqualTo(1000);
            assertThat(f.created.get("a").images.get(id)).isEqualTo(data);
            assertThat(f.created.get("a").declaredSizes).containsEntry(id, AddRequest.UNKNOWN_SIZE);
        }
    }

    @Test
    void theWriterIsAbortedWhenItsWriteThrowsAndTheErrorIsTheWriters() {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        try (Stowage s = build(f, "[a]\nwrite_failure = no space left on the pool\n")) {
            String id = UUID.randomUUID().toString();
            assertThatThrownBy(() -> s.add("a", new ByteArrayInputStream(random(1000)), AddOptions.defaults().imageId(id).declaredSize(1000)))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORAGE_FULL)
                    .hasMessageContaining("no space left on the pool");
            assertThat(f.created.get("a").aborted).containsExactly(id);
        }
    }

    @Test
    void aFailingSourceAbortsTheWriterAndIsABackendErrorNamingStoreImageAndBytes() {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        try (Stowage s = build(f, "")) {
            String id = UUID.randomUUID().toString();
            IOException broke = new IOException("connection reset by peer");
            InputStream source = new InputStream() {
                int left = 2 << 20;

                @Override
                public int read() {
                    throw new AssertionError("read in blocks");
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (left == 0) {
                        throw broke;
                    }
                    int n = Math.min(len, left);
                    left -= n;
                    return n;
                }
            };
            StoreException e = catchThrowableOfType(() -> s.add("a", source, AddOptions.defaults().imageId(id)), StoreException.class);
            assertThat(e.kind()).isEqualTo(ErrorKind.BACKEND);
            assertThat(e).hasMessageContaining("store 'a'").hasMessageContaining(id)
                    .hasMessageContaining("after " + (2 << 20) + " bytes").hasMessageContaining("connection reset by peer")
                    .hasCause(broke);
            assertThat(f.created.get("a").aborted).containsExactly(id);
            assertThat(f.created.get("a").images).isEmpty();
        }
    }

    @Test
    void aSourceThatThrowsARuntimeFailureIsABackendErrorToo() {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        try (Stowage s = build(f, "")) {
            String id = UUID.randomUUID().toString();
            IllegalStateException bug = new IllegalStateException("decoder bug");
            InputStream source = new InputStream() {
                @Override
                public int read() {
                    throw bug;
                }
            };
            StoreException e = catchThrowableOfType(() -> s.add("a", source, AddOptions.defaults().imageId(id).declaredSize(10)), StoreException.class);
            assertThat(e.kind()).isEqualTo(ErrorKind.BACKEND);
            assertThat(e).hasMessageContaining("store 'a'").hasMessageContaining(id).hasMessageContaining("after 0 bytes")
                    .hasCause(bug);
            assertThat(f.created.get("a").aborted).containsExactly(id);
        }
    }

    @Test
    void anInterruptOfTheAddingThreadAbortsTheWriterAndKeepsTheInterrupt() {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        try (Stowage s = build(f, "")) {
            String id = UUID.randomUUID().toString();
            InputStream source = new InputStream() {
                int left = 3 << 20;

                @Override
                public int read() {
                    throw new AssertionError("read in blocks");
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (left == 2 << 20) {
                        Thread.currentThread().interrupt(); // as if another thread interrupted the add here
                    }
                    int n = Math.min(len, left);
                    left -= n;
                    return n == 0 ? -1 : n;
                }
            };
            try {
                StoreException e = catchThrowableOfType(() -> s.add("a", source, AddOptions.defaults().imageId(id)), StoreException.class);
                assertThat(e.kind()).isEqualTo(ErrorKind.BACKEND);
                assertThat(e).hasMessageContaining("store 'a'").hasMessageContaining(id);
                assertThat(Thread.currentThread().isInterrupted()).as("interrupt kept for the caller").isTrue();
            } finally {
                Thread.interrupted();
            }
            assertThat(f.created.get("a").aborted).containsExactly(id);
            assertThat(f.created.get("a").images).isEmpty();
        }
    }

    @Test
    void sizeMismatchAbortsTheWriter() {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        try (Stowage s = build(f, "")) {
            String id = UUID.randomUUID().toString();
            assertThatThrownBy(() -> s.add("a", new ByteArrayInputStream(random(2 << 20)), AddOptions.defaults().imageId(id).declaredSize((2 << 20) - 1)))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.SIZE_MISMATCH);
            assertThat(f.created.get("a").aborted).containsExactly(id);
        }
    }

    @Test
    void aWriteDisabledStoreRefusesAddAndDeleteAndKeepsItsImages() {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        try (Stowage s = build(f, "[w]\nwrite_disabled = volume type 'gold' does not exist\n")) {
            String id = UUID.randomUUID().toString();
            f.created.get("w").images.put(id, new byte[] {1, 2, 3});
            String location = "mem://w/" + id;

            assertThatThrownBy(() -> s.delete(location, null)).isInstanceOf(StoreException.class)
                    .hasFieldOrPropertyWithValue("kind", ErrorKind.STORE_DELETE_NOT_SUPPORTED)
                    .hasMessageContaining("store 'w' cannot delete images: volume type 'gold' does not exist");
            assertThatThrownBy(() -> s.add("w", new ByteArrayInputStream(new byte[1]), AddOptions.defaults().imageId(UUID.randomUUID().toString()).declaredSize(1)))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORE_ADD_DISABLED)
                    .hasMessageContaining("store 'w' does not accept new images: volume type 'gold' does not exist");
            assertThat(f.created.get("w").images).containsOnlyKeys(id);
            assertThat(s.size(location, null)).as("still readable").isEqualTo(3);
        }
    }

    @Test
    void aReadOnlyStoreRefusesDelete() {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        try (Stowage s = build(f, "[w]\nread_only = true\n")) {
            String id = UUID.randomUUID().toString();
            f.created.get("w").images.put(id, new byte[] {1});
            assertThatThrownBy(() -> s.delete("mem://w/" + id, null)).isInstanceOf(StoreException.class)
                    .hasFieldOrPropertyWithValue("kind", ErrorKind.STORE_DELETE_NOT_SUPPORTED)
                    .hasMessageContaining("store 'w' (mem) is read-only");
            assertThat(f.created.get("w").images).containsOnlyKeys(id);
        }
    }

    @Test
    void addsAreStoredWithTheirChecksumsAndTheStoreInTheMetadata() {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        try (Stowage s = build(f, "")) {
            byte[] data = random(3 << 20);
            AddResult r = s.add("a", new ByteArrayInputStream(data), AddOptions.defaults().declaredSize(data.length).hashAlgorithm("sha256"));
            assertThat(r.size()).isEqualTo(data.length);
            assertThat(r.hashAlgo()).isEqualTo("sha256");
            assertThat(r.metadata()).containsEntry("store", "a");
            assertThat(f.created.get("a").images.values()).singleElement().isEqualTo(data);
            assertThat(f.created.get("a").aborted).isEmpty();
        }
    }

    /**
     * Counts every thread named as the host names its threads, not only new ones: a pool shared
     * by all hosts (a static one) would otherwise hide behind threads an earlier test started.
     * Every test closes its host, so none may be alive once this one is closed.
     */
    @Test
    void noThreadOfTheHostIsLeftAfterClose() throws Exception {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        Stowage s = StowageTest.build("[DEFAULT]\nenabled_backends = a:mem\n[glance_store]\ndefault_backend = a\n"
                + "[stowage]\ninput_stall_timeout = 30\n" + RESERVED, f, StowageTest.reservedFile());
        // a large add (hashing threads and the stall watchdog) and a health check (check threads)
        s.add("a", new ByteArrayInputStream(random(8 << 20)), AddOptions.defaults().declaredSize(8 << 20));
        s.health(Duration.ofSeconds(5));
        assertThat(hostThreads()).as("threads of the host while it runs").isNotEmpty();

        s.close();

        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!hostThreads().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(hostThreads().stream().map(Thread::getName)).as("host threads alive after close").isEmpty();
    }

    /**
     * The alive threads named as the host names its threads, except the configuration reader: it
     * reads a pipe before any host exists, and stays blocked in the pipe's open (which no interrupt
     * ends) when nothing writes to it, as the configuration tests leave it.
     */
    private static Set<Thread> hostThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(HostExecutors.THREAD_PREFIX))
                .filter(t -> !t.getName().equals("stowage-config-reader"))
                .collect(Collectors.toSet());
    }
}
