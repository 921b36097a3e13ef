package org.stowage.tck;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.pf4j.Extension;
import org.stowage.spi.AddRequest;
import org.stowage.spi.Capabilities;
import org.stowage.spi.Capability;
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
import org.stowage.spi.StoreSettings;
import org.stowage.spi.StoreStatus;
import org.stowage.spi.StoredImage;

/**
 * A small in-memory driver used to test the kit itself: correct by default, with switchable
 * defects ({@code memory_defect}) that the kit must catch. The kit's host finds it on the test
 * classpath by its extension index, as it finds a real driver.
 */
@Extension
public final class InMemoryStoreDriverFactory implements StoreDriverFactory {
    /** Backends by name, shared between a test's driver and its fixture. */
    static final Map<String, Backend> BACKENDS = new ConcurrentHashMap<>();

    /** The bytes behind one memory store. */
    static final class Backend {
        final Map<String, byte[]> images = new ConcurrentHashMap<>();
        final Map<String, byte[]> partials = new ConcurrentHashMap<>();
        final AtomicInteger copies = new AtomicInteger();
        final AtomicInteger open = new AtomicInteger();
    }

    @Override
    public String type() {
        return "memory";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.string("memory_backend").help("backend name").build(),
                OptionSpec.integer("memory_capabilities").defaultValue("79").help("capability mask").build(),
                OptionSpec.string("memory_defect").help("a defect to simulate").build(),
                OptionSpec.bool("memory_write_disabled").defaultValue("false").help("refuse writes").build(),
                OptionSpec.string("memory_password").secret().help("a secret").build());
    }

    @Override
    public StoreDriver create(StoreContext context) {
        StoreSettings s = context.settings();
        String name = s.string("memory_backend");
        if (name == null) {
            throw s.error("memory_backend", null, "a backend name");
        }
        return new Driver(context.storeId(), name, BACKENDS.computeIfAbsent(name, k -> new Backend()),
                Capabilities.fromMask((int) s.integer("memory_capabilities")),
                s.string("memory_defect") == null ? "" : s.string("memory_defect"), s.string("memory_password"),
                s.bool("memory_write_disabled"));
    }

    static final class Loc implements StoreLocation {
        final String backend;
        final String id;

        Loc(String backend, String id) {
            this.backend = backend;
            this.id = id;
        }

        @Override
        public String scheme() {
            return "memory";
        }

        @Override
        public String uri() {
            return "memory://" + backend + "/" + id;
        }

        @Override
        public String toString() {
            return uri();
        }
    }

    static final class Driver implements StoreDriver {
        final String storeId;
        final String name;
        final Backend backend;
        final Capabilities caps;
        final String defect;
        final String password;
        final boolean writeDisabled;
        final Set<ImageStream> streams = ConcurrentHashMap.newKeySet();

        Driver(String storeId, String name, Backend backend, Capabilities caps, String defect, String password,
                boolean writeDisabled) {
            this.writeDisabled = writeDisabled;
            this.storeId = storeId;
            this.name = name;
            this.backend = backend;
            this.caps = caps;
            this.defect = defect;
            this.password = password;
        }

        private boolean enforce() {
            return !defect.equals("ignore-capabilities");
        }

        @Override
        public Capabilities capabilities() {
            return caps;
        }

        @Override
        public LocationCodec locations() {
            return new LocationCodec() {
                @Override
                public Set<String> schemes() {
                    return Set.of("memory");
                }

                @Override
                public List<String> prefixes() {
                    return List.of("memory://" + name);
                }

                @Override
                public StoreLocation parse(String uri) {
                    return parseUri(uri);
                }
            };
        }

        private static Loc parseUri(String uri) {
            if (uri == null || !uri.startsWith("memory://")) {
                throw StoreException.badStoreUri("not a memory location: '" + uri + "'");
            }
            String rest = uri.substring("memory://".length());
            int slash = rest.indexOf('/');
            if (slash <= 0 || slash == rest.length() - 1) {
                throw StoreException.badStoreUri("memory location '" + uri + "' needs memory://<backend>/<id>");
            }
            return new Loc(rest.substring(0, slash), rest.substring(slash + 1));
        }

        private Loc mine(StoreLocation l) {
            Loc loc = parseUri(l.uri());
            if (!loc.backend.equals(name)) {
                throw StoreException.badStoreUri("location " + loc + " is not in memory store " + name);
            }
            return loc;
        }

        @Override
        public ImageWriter openWriter(AddRequest request) {
            if (enforce() && !caps.has(Capability.WRITE_ACCESS)) {
                throw StoreException.storeAddDisabled("memory store " + storeId + " is read-only");
            }
            String id = defect.equals("accept-duplicates") && backend.images.containsKey(request.imageId())
                    ? request.imageId() + "~" + backend.copies.incrementAndGet() : request.imageId();
            if (backend.images.containsKey(id)) {
                throw StoreException.duplicate("image " + id + " exists");
            }
            return new MemoryWriter(id, "partial-" + id + "-" + UUID.randomUUID());
        }

        /** One add: the bytes go to a partial entry, published under the id by commit. */
        private final class MemoryWriter implements ImageWriter {
            private final String id;
            private final String partial;
            private final ByteArrayOutputStream out = new ByteArrayOutputStream();
            private boolean committed;

            MemoryWriter(String id, String partial) {
                this.id = id;
                this.partial = partial;
            }

            @Override
            public void write(ByteBuffer data) {
                byte[] chunk = new byte[data.remaining()];
                data.get(chunk);
                out.writeBytes(chunk);
                backend.partials.put(partial, out.toByteArray());
            }

            @Override
            public StoredImage commit(Checksums checksums) {
                if (backend.images.putIfAbsent(id, out.toByteArray()) != null) {
                    throw StoreException.duplicate("image " + id + " exists");
                }
                committed = true;
                backend.partials.remove(partial);
                return StoredImage.at(new Loc(name, id).uri());
            }

            @Override
            public void abort() {
                if (!committed && !defect.equals("leave-partial")) {
                    backend.partials.remove(partial);
                }
            }
        }

        @Override
        public ImageStream get(StoreLocation location, long offset, long length) {
            if (enforce()) {
                if (!caps.has(Capability.READ_ACCESS)) {
                    throw StoreException.storeGetNotSupported("no reads");
                }
                if ((offset > 0 && !caps.has(Capability.READ_OFFSET)) || (length >= 0 && !caps.has(Capability.READ_CHUNK))) {
                    throw StoreException.storeRandomGetNotSupported("no ranged reads: offset=" + offset + " length=" + length);
                }
            }
            Loc loc = mine(location);
            byte[] data = backend.images.get(loc.id);
            if (data == null) {
                throw notFound(loc);
            }
            if (defect.equals("past-end-fails") && offset > data.length) {
                throw StoreException.badStoreUri("offset " + offset + " is past the end of " + loc);
            }
            int from = defect.equals("ignore-offset") ? 0 : (int) Math.min(offset, data.length);
            int to = length < 0 ? data.length : (int) Math.min(data.length, from + length);
            backend.open.incrementAndGet();
            ImageStream stream = new ImageStream() {
                int pos = from;
                boolean closed;

                @Override
                public long length() {
                    return to - from;
                }

                @Override
                public int read() {
                    return pos < to ? data[pos++] & 0xff : -1;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (len == 0) {
                        return 0;
                    }
                    if (pos >= to) {
                        return -1;
                    }
                    int n = Math.min(len, to - pos);
                    System.arraycopy(data, pos, b, off, n);
                    pos += n;
                    return n;
                }

                @Override
                public void close() {
                    if (!closed) {
                        closed = true;
                        streams.remove(this);
                        if (!defect.equals("leak-streams")) {
                            backend.open.decrementAndGet();
                        }
                    }
                }
            };
            streams.add(stream);
            return stream;
        }

        @Override
        public long size(StoreLocation location) {
            Loc loc = mine(location);
            byte[] data = backend.images.get(loc.id);
            if (data == null) {
                throw notFound(loc);
            }
            return data.length;
        }

        @Override
        public void delete(StoreLocation location) {
            if (enforce() && !caps.has(Capability.WRITE_ACCESS)) {
                throw StoreException.storeDeleteNotSupported("memory store " + storeId + " is read-only");
            }
            Loc loc = mine(location);
            if (backend.images.remove(loc.id) == null) {
                throw StoreException.notFound("image " + loc + " not found");
            }
        }

        private StoreException notFound(Loc loc) {
            String shown = defect.equals("show-secret") ? " (backend password " + password + ")" : "";
            return StoreException.notFound("image " + loc + " not found" + shown);
        }

        @Override
        public StoreStatus status() {
            return new StoreStatus() {
                @Override
                public Optional<String> writeDisabledReason() {
                    return writeDisabled ? Optional.of("memory_write_disabled is set") : Optional.empty();
                }
            };
        }

        @Override
        public Optional<ImageInventory> inventory() {
            return Optional.of(new ImageInventory() {
                @Override
                public InventoryPage list(String cursor, int limit) {
                    throw new UnsupportedOperationException("memory store " + storeId + " cannot list its images");
                }

                @Override
                public List<Leftover> leftovers(Duration olderThan) {
                    if (!caps.has(Capability.WRITE_ACCESS) || defect.equals("no-gc")) {
                        return List.of();
                    }
                    return backend.partials.keySet().stream()
                            .map(k -> new Leftover(k, "partial image " + k + " in memory backend " + name, Instant.EPOCH))
                            .toList();
                }

                @Override
                public void remove(Leftover leftover) {
                    backend.partials.remove(leftover.id());
                }
            });
        }

        @Override
        public void close() {
            for (ImageStream s : List.copyOf(streams)) {
                try {
                    s.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        @Override
        public String toString() {
            return "MemoryStore[" + storeId + "]";
        }
    }

    /** The fixture over a backend. */
    static final class MemoryFixture implements StoreDriverTestKit.Fixture {
        final String name;
        final Backend backend;
        final boolean seeds;

        MemoryFixture(String name, boolean seeds) {
            this.name = name;
            this.backend = BACKENDS.computeIfAbsent(name, k -> new Backend());
            this.seeds = seeds;
        }

        @Override
        public List<String> leftovers() {
            return new ArrayList<>(backend.partials.keySet());
        }

        @Override
        public int openResources() {
            return backend.open.get();
        }

        @Override
        public Optional<String> seedImage(String imageId, byte[] data) {
            if (!seeds) {
                return Optional.empty();
            }
            backend.images.put(imageId, data.clone());
            return Optional.of(new Loc(name, imageId).uri());
        }

        @Override
        public Optional<String> plantLeftover(String imageId) {
            String key = "partial-" + imageId + "-planted";
            backend.partials.put(key, new byte[] {1, 2});
            return Optional.of(key);
        }

        @Override
        public Optional<String> missingLocation() {
            return seeds ? Optional.of(new Loc(name, "no-such-image").uri()) : Optional.empty();
        }

        @Override
        public void close() {
            BACKENDS.remove(name);
        }
    }
}
