package org.stowage.core.layers;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.stowage.spi.AddRequest;
import org.stowage.spi.Capabilities;
import org.stowage.spi.Checksums;
import org.stowage.spi.ImageInventory;
import org.stowage.spi.ImageStream;
import org.stowage.spi.ImageWriter;
import org.stowage.spi.InventoryPage;
import org.stowage.spi.Leftover;
import org.stowage.spi.LocationCodec;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreDriverFactory;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;
import org.stowage.spi.StoredImage;

/**
 * A driver for the layer tests that records what the core made it do: the most adds and reads it
 * ran at once, its calls per operation; it can be made slow, hang (until interrupted) or fail
 * a given number of times. Location {@code rec://<store>/<image>}. Knows nothing of the layers.
 */
public final class RecordingDriverFactory implements StoreDriverFactory {
    public final Map<String, RecordingStore> created = new ConcurrentHashMap<>();

    @Override
    public String type() {
        return "rec";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of();
    }

    @Override
    public StoreDriver create(StoreContext context) {
        RecordingStore s = new RecordingStore(context.storeId());
        s.context = context;
        created.put(context.storeId(), s);
        return s;
    }

    /** The store; tests steer it through its public fields. */
    public static final class RecordingStore implements StoreDriver {
        private final String id;
        /** The context the store was made with. */
        public volatile StoreContext context;
        public final Map<String, byte[]> images = new ConcurrentHashMap<>();
        /** Adds begun and not committed or aborted: what a crash would leave, listed as leftovers. */
        public final Map<String, ByteArrayOutputStream> partial = new ConcurrentHashMap<>();
        public final AtomicInteger addsRunning = new AtomicInteger();
        public final AtomicInteger maxAddsRunning = new AtomicInteger();
        public final AtomicInteger readsRunning = new AtomicInteger();
        public final AtomicInteger maxReadsRunning = new AtomicInteger();
        /** Calls by operation: openWriter, write, commit, abort, get, size, delete. */
        public final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        /** Operations that hang until interrupted. */
        public final Set<String> hang = ConcurrentHashMap.newKeySet();
        /** Failures to throw, in order, by operation, before the operation works. */
        public final Map<String, Deque<RuntimeException>> failures = new ConcurrentHashMap<>();
        /** How long each write and each read of a stream takes. */
        public volatile long delayMs;

        RecordingStore(String id) {
            this.id = id;
        }

        public int calls(String op) {
            return calls.computeIfAbsent(op, k -> new AtomicInteger()).get();
        }

        /** {@code op} fails with {@code failure}, then each further one given, then works. */
        public void fail(String op, RuntimeException... failure) {
            failures.computeIfAbsent(op, k -> new ArrayDeque<>()).addAll(List.of(failure));
        }

        private void enter(String op) {
            calls.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
            Deque<RuntimeException> f = failures.get(op);
            RuntimeException next = f == null ? null : f.poll();
            if (next != null) {
                throw next;
            }
            if (hang.contains(op)) {
                pause(Long.MAX_VALUE);
            }
        }

        private static void pause(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UncheckedIOException(new InterruptedIOException("interrupted"));
            }
        }

        private static void raise(AtomicInteger running, AtomicInteger max) {
            max.accumulateAndGet(running.incrementAndGet(), Math::max);
        }

        @Override
        public LocationCodec locations() {
            return new LocationCodec() {
                @Override
                public Set<String> schemes() {
                    return Set.of("rec");
                }

                @Override
                public List<String> prefixes() {
                    return List.of("rec://" + id);
                }

                @Override
                public StoreLocation parse(String uri) {
                    if (!uri.startsWith("rec://" + id + "/")) {
                        throw StoreException.badStoreUri("not a rec location of " + id + ": " + uri);
                    }
                    return new Loc(uri);
                }

                @Override
                public String format(StoreLocation location) {
                    return location.uri();
                }
            };
        }

        record Loc(String uri) implements StoreLocation {
            @Override
            public String scheme() {
                return "rec";
            }

            @Override
            public boolean isLegacy() {
                return false;
            }

            String image() {
                return uri.substring(uri.lastIndexOf('/') + 1);
            }
        }

        @Override
        public Capabilities capabilities() {
            return Capabilities.READ_RANDOM_WRITE;
        }

        @Override
        public ImageWriter openWriter(AddRequest request) {
            enter("openWriter");
            String image = request.imageId();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            partial.put(image, out);
            raise(addsRunning, maxAddsRunning);
            return new ImageWriter() {
                private boolean ended;

                @Override
                public void write(ByteBuffer data) {
                    enter("write");
                    pause(delayMs);
                    byte[] b = new byte[data.remaining()];
                    data.get(b);
                    out.writeBytes(b);
                }

                @Override
                public StoredImage commit(Checksums checksums) {
                    enter("commit");
                    images.put(image, out.toByteArray());
                    end();
                    return StoredImage.at("rec://" + id + "/" + image);
                }

                @Override
                public void abort() {
                    calls.computeIfAbsent("abort", k -> new AtomicInteger()).incrementAndGet();
                    end();
                }

                private synchronized void end() {
                    if (!ended) {
                        ended = true;
                        partial.remove(image);
                        addsRunning.decrementAndGet();
                    }
                }
            };
        }

        @Override
        public ImageStream get(StoreLocation location, long offset, long length) {
            enter("get");
            byte[] b = image(location);
            ByteArrayInputStream in = new ByteArrayInputStream(b);
            raise(readsRunning, maxReadsRunning);
            return new ImageStream() {
                private boolean closed;

                @Override
                public long length() {
                    return b.length;
                }

                @Override
                public int read(byte[] buf, int off, int n) throws IOException {
                    pause(delayMs);
                    return in.read(buf, off, n);
                }

                @Override
                public synchronized void close() {
                    if (!closed) {
                        closed = true;
                        readsRunning.decrementAndGet();
                    }
                }
            };
        }

        private byte[] image(StoreLocation location) {
            byte[] b = images.get(((Loc) location).image());
            if (b == null) {
                throw StoreException.notFound("store '" + id + "': no image at " + location.uri());
            }
            return b;
        }

        @Override
        public long size(StoreLocation location) {
            enter("size");
            return image(location).length;
        }

        @Override
        public void delete(StoreLocation location) {
            enter("delete");
            if (images.remove(((Loc) location).image()) == null) {
                throw StoreException.notFound("store '" + id + "': no image at " + location.uri());
            }
        }

        @Override
        public Optional<ImageInventory> inventory() {
            return Optional.of(new ImageInventory() {
                @Override
                public InventoryPage list(String cursor, int limit) {
                    return new InventoryPage(List.of(), Optional.empty());
                }

                @Override
                public List<Leftover> leftovers(Duration olderThan) {
                    return partial.keySet().stream().map(i -> new Leftover(i, "partial image " + i, Instant.EPOCH))
                            .toList();
                }

                @Override
                public void remove(Leftover leftover) {
                    partial.remove(leftover.id());
                }
            });
        }

        @Override
        public void close() {
        }
    }
}
