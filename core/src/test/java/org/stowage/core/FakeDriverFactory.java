package org.stowage.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.stowage.spi.AddRequest;
import org.stowage.spi.Capabilities;
import org.stowage.spi.Checksums;
import org.stowage.spi.ImageInventory;
import org.stowage.spi.ImageStream;
import org.stowage.spi.InventoryEntry;
import org.stowage.spi.InventoryPage;
import org.stowage.spi.Leftover;
import org.stowage.spi.ImageWriter;
import org.stowage.spi.LegacyLocations;
import org.stowage.spi.LocationCodec;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreDriverFactory;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreHealth;
import org.stowage.spi.StoreLocation;
import org.stowage.spi.StoreStatus;
import org.stowage.spi.StoredImage;

/** An in-memory driver for core tests; its behaviour is steered by options. */
public class FakeDriverFactory implements StoreDriverFactory {
    private final String type;
    public final Map<String, FakeStore> created = new ConcurrentHashMap<>();

    public FakeDriverFactory(String type) {
        this.type = type;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(OptionSpec.list("prefixes").help("location prefixes").build(),
                OptionSpec.list("schemes").defaultValue("mem").build(),
                OptionSpec.string("fail").build(),
                OptionSpec.string("write_disabled").build(),
                OptionSpec.string("secret_password").secret().build(),
                OptionSpec.integer("count").defaultValue("3").min(0).build(),
                OptionSpec.bool("flag").defaultValue("False").build(),
                OptionSpec.bool("claims_legacy").defaultValue("False").build(),
                OptionSpec.bool("read_only").defaultValue("False").build(),
                OptionSpec.integer("health_delay_ms").defaultValue("0").min(0).build(),
                OptionSpec.string("health_failure").build(),
                OptionSpec.string("write_failure").build(),
                OptionSpec.string("commit_failure").build(),
                OptionSpec.bool("inventory").defaultValue("False").build(),
                OptionSpec.integer("read_failure_after").defaultValue("-1").min(-1).build(),
                OptionSpec.integer("read_block_after").defaultValue("-1").min(-1).build());
    }

    @Override
    public StoreDriver create(StoreContext context) {
        String fail = context.settings().string("fail");
        if (fail != null) {
            throw StoreException.badStoreConfiguration("store '" + context.storeId() + "': " + fail);
        }
        FakeStore s = new FakeStore(context);
        created.put(context.storeId(), s);
        return s;
    }

    /**
     * Location {@code <scheme>://<store>/<image>}; legacy {@code <scheme>://legacy/<image>}. The
     * host adds through {@link #openWriter}.
     */
    public static final class FakeStore implements StoreDriver {
        final StoreContext context;
        public final Map<String, byte[]> images = new ConcurrentHashMap<>();
        /** Image ids whose writer was aborted, in order. */
        public final List<String> aborted = new CopyOnWriteArrayList<>();
        /** The declared size of each add, by image id, as the driver received it. */
        public final Map<String, Long> declaredSizes = new ConcurrentHashMap<>();
        volatile boolean closed;

        FakeStore(StoreContext context) {
            this.context = context;
        }

        Set<String> schemeSet() {
            return Set.copyOf(context.settings().list("schemes"));
        }

        List<String> prefixes() {
            List<String> p = context.settings().list("prefixes");
            return p.isEmpty() ? List.of(schemeSet().iterator().next() + "://" + context.storeId()) : p;
        }

        @Override
        public Capabilities capabilities() {
            return context.settings().bool("read_only") ? Capabilities.READ_ONLY : Capabilities.READ_RANDOM_WRITE;
        }

        @Override
        public LocationCodec locations() {
            return new LocationCodec() {
                @Override
                public Set<String> schemes() {
                    return schemeSet();
                }

                @Override
                public List<String> prefixes() {
                    return FakeStore.this.prefixes();
                }

                @Override
                public StoreLocation parse(String uri) {
                    return FakeStore.this.parse(uri);
                }

                @Override
                public String format(StoreLocation location) {
                    return prefixes().get(0) + "/" + location;
                }
            };
        }

        private StoreLocation parse(String uri) {
            int i = uri.indexOf("://");
            if (i < 0 || !schemeSet().contains(uri.substring(0, i)) || uri.length() <= i + 3) {
                throw StoreException.badStoreUri("not a fake location: " + uri);
            }
            String id = uri.substring(uri.lastIndexOf('/') + 1);
            boolean legacy = uri.startsWith(uri.substring(0, i) + "://legacy/") || uri.indexOf('/', i + 3) < 0;
            return new StoreLocation() {
                @Override
                public String scheme() {
                    return uri.substring(0, i);
                }

                @Override
                public String uri() {
                    return uri;
                }

                @Override
                public boolean isLegacy() {
                    return legacy;
                }

                @Override
                public String toString() {
                    return id;
                }
            };
        }

        public final AtomicLong remoteCalls = new AtomicLong();
        /** Image ids (last URL segment) this store claims in addition to claims_legacy. */
        public final Set<String> owned = ConcurrentHashMap.newKeySet();

        /** Thrown by the batch ownership check when set: a remote side that cannot be asked. */
        public volatile RuntimeException ownershipFailure;

        @Override
        public Optional<LegacyLocations> legacy() {
            return Optional.of(new LegacyLocations() {
                @Override
                public Map<StoreLocation, Boolean> owned(Collection<? extends StoreLocation> locations) {
                    remoteCalls.incrementAndGet();
                    if (ownershipFailure != null) {
                        throw ownershipFailure;
                    }
                    Map<StoreLocation, Boolean> out = new LinkedHashMap<>();
                    for (StoreLocation l : locations) {
                        out.put(l, claims(l));
                    }
                    return out;
                }

                @Override
                public boolean owns(StoreLocation location) {
                    remoteCalls.incrementAndGet();
                    return claims(location);
                }
            });
        }

        private boolean claims(StoreLocation l) {
            return context.settings().bool("claims_legacy") || owned.contains(l.toString());
        }

        /**
         * Writes into memory; with {@code commit_failure} set, commit throws it, and with
         * {@code write_failure} set, the first write does.
         */
        @Override
        public ImageWriter openWriter(AddRequest request) {
            declaredSizes.put(request.imageId(), request.declaredSize());
            if (images.containsKey(request.imageId())) {
                throw StoreException.duplicate("image " + request.imageId() + " exists");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            return new ImageWriter() {
                @Override
                public void write(ByteBuffer data) {
                    String failure = context.settings().string("write_failure");
                    if (failure != null) {
                        throw StoreException.storageFull(failure);
                    }
                    byte[] c = new byte[data.remaining()];
                    data.get(c);
                    out.writeBytes(c);
                }

                @Override
                public StoredImage commit(Checksums checksums) {
                    String failure = context.settings().string("commit_failure");
                    if (failure != null) {
                        throw StoreException.backend(failure);
                    }
                    images.put(request.imageId(), out.toByteArray());
                    return StoredImage.at(prefixes().get(0) + "/" + request.imageId());
                }

                @Override
                public void abort() {
                    aborted.add(request.imageId());
                }
            };
        }

        byte[] image(StoreLocation l) {
            byte[] b = images.get(l.toString());
            if (b == null) {
                throw StoreException.notFound("no image " + l);
            }
            return b;
        }

        /** Calls of {@link #get} and {@link #size}: each would be a backend call in a real driver. */
        public final AtomicInteger getCalls = new AtomicInteger();
        public final AtomicInteger sizeCalls = new AtomicInteger();

        /** A range of the image; an offset at or past the end is an empty stream, as the SPI asks. */
        @Override
        public ImageStream get(StoreLocation location, long offset, long length) {
            getCalls.incrementAndGet();
            byte[] b = image(location);
            int from = (int) Math.min(offset, b.length);
            int len = (int) (length < 0 ? b.length - from : Math.min(length, b.length - from));
            ByteArrayInputStream in = new ByteArrayInputStream(b, from, len);
            long failAfter = context.settings().integer("read_failure_after");
            long blockAfter = context.settings().integer("read_block_after");
            return new ImageStream() {
                long read;
                volatile boolean closed;

                @Override
                public long length() {
                    return len;
                }

                @Override
                public int read(byte[] buf, int off, int n) throws IOException {
                    if (failAfter >= 0 && read >= failAfter) {
                        throw new IOException("the fake disk failed at byte " + read);
                    }
                    if (blockAfter >= 0 && read >= blockAfter) {
                        blockUntilClosed();
                    }
                    int k = in.read(buf, off, failAfter >= 0 ? (int) Math.min(n, failAfter - read) : n);
                    read += Math.max(k, 0);
                    return k;
                }

                /** With {@code read_block_after}: a read that hangs (at most 30 s) until the stream is closed. */
                private void blockUntilClosed() throws IOException {
                    readBlocked.countDown();
                    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (!closed && System.nanoTime() < deadline) {
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                    }
                    throw new IOException("the fake read was closed while blocked at byte " + read);
                }

                @Override
                public void close() {
                    closed = true;
                    readsClosed.incrementAndGet();
                }
            };
        }

        /** Counted down when a read blocks ({@code read_block_after}). */
        public final CountDownLatch readBlocked = new CountDownLatch(1);

        /** Reads closed, and pages listed. */
        public final AtomicInteger readsClosed = new AtomicInteger();
        public final AtomicInteger listCalls = new AtomicInteger();

        /** With {@code inventory = True}: the images by id, the id being the cursor. */
        @Override
        public Optional<ImageInventory> inventory() {
            if (!context.settings().bool("inventory")) {
                return Optional.empty();
            }
            return Optional.of(new ImageInventory() {
                @Override
                public InventoryPage list(String cursor, int limit) {
                    listCalls.incrementAndGet();
                    List<String> ids = new TreeMap<>(images).keySet().stream()
                            .filter(id -> cursor == null || id.compareTo(cursor) > 0).toList();
                    List<InventoryEntry> page = ids.stream().limit(limit).map(id -> new InventoryEntry(id,
                            prefixes().get(0) + "/" + id, images.get(id).length, Instant.EPOCH, true)).toList();
                    return new InventoryPage(page, ids.size() > limit ? Optional.of(ids.get(limit - 1)) : Optional.empty());
                }

                @Override
                public List<Leftover> leftovers(Duration olderThan) {
                    return List.of();
                }

                @Override
                public void remove(Leftover leftover) {
                    throw new UnsupportedOperationException("no leftovers");
                }
            });
        }

        @Override
        public long size(StoreLocation location) {
            sizeCalls.incrementAndGet();
            return image(location).length;
        }

        /** When set, delete fails with it (a backend error), as a store that cannot delete just now. */
        public volatile String deleteFailure;

        @Override
        public void delete(StoreLocation location) {
            String failure = deleteFailure;
            if (failure != null) {
                throw StoreException.backend(failure);
            }
            if (images.remove(location.toString()) == null) {
                throw StoreException.notFound("no image " + location);
            }
        }

        /** Calls that would ask a remote service in a real driver: writeDisabledReason, properties, health. */
        public final AtomicInteger checksAsked = new AtomicInteger();
        /** Health checks started and not ended (for tests of the host's deadline). */
        public final AtomicInteger checksRunning = new AtomicInteger();

        @Override
        public StoreStatus status() {
            return new StoreStatus() {
                @Override
                public Optional<String> writeDisabledReason() {
                    checksAsked.incrementAndGet();
                    return Optional.ofNullable(context.settings().string("write_disabled"));
                }

                @Override
                public Map<String, Object> properties() {
                    checksAsked.incrementAndGet();
                    return Map.of("store", context.storeId());
                }

                @Override
                public Map<String, Long> statistics() {
                    return Map.of("remote_calls", remoteCalls.get());
                }

                @Override
                public StoreHealth health(Duration timeout) {
                    return checkHealth(this, timeout);
                }
            };
        }

        /**
         * The SPI's default check, after {@code health_delay_ms} (a service slow to answer); with
         * {@code health_failure} it throws: {@code remote: <message>} as an outage, anything else
         * as a driver bug.
         */
        private StoreHealth checkHealth(StoreStatus status, Duration timeout) {
            checksAsked.incrementAndGet();
            checksRunning.incrementAndGet();
            try {
                Thread.sleep(context.settings().integer("health_delay_ms"));
                String failure = context.settings().string("health_failure");
                if (failure != null && failure.startsWith("remote: ")) {
                    throw StoreException.remoteServiceUnavailable(failure.substring(8));
                }
                if (failure != null) {
                    throw new IllegalStateException(failure);
                }
                return status.writeDisabledReason().map(r -> StoreHealth.degraded("write disabled: " + r))
                        .orElse(StoreHealth.ok());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            } finally {
                checksRunning.decrementAndGet();
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    static StoreException unused() {
        return null;
    }
}
