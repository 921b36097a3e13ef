package org.example.stowage.cas;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.spi.AddRequest;
import org.stowage.spi.AddResult;
import org.stowage.spi.Capabilities;
import org.stowage.spi.Capability;
import org.stowage.spi.Checksums;
import org.stowage.spi.ImageInput;
import org.stowage.spi.ImageStream;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;
import org.stowage.spi.StoreSettings;

/**
 * A content-addressed store. On disk, under the configured root:
 *
 * <pre>
 * layout                       format and shard depth, written on first use, checked at start-up
 * lock                         cross-process lock for the short publish/unlink critical sections
 * objects/ab/cdef...           the bytes of one distinct content, named by its SHA-256
 * objects/ab/cdef....count     how many reference files name that object
 * refs/&lt;image id&gt;             "sha256=&lt;hex&gt;" and "size=&lt;bytes&gt;": one image
 * tmp/                         objects and small files being written
 * </pre>
 *
 * <p>An add streams the image into {@code tmp/}, hashing it, then, under the lock: refuses a
 * duplicate id, moves the temporary file to its object path (or drops it when that content is
 * already stored), increments the count, and writes the reference file. Publishing order is
 * object, count, reference; a delete removes the reference first and the object last. A crash
 * can therefore leave an over-counted object (wasted space), never a reference to a missing
 * object.
 */
public final class CasStoreDriver implements StoreDriver {
    private static final Logger LOG = LoggerFactory.getLogger(CasStoreDriver.class);
    /** Image ids usable as file names: no separators, no leading dot. */
    static final Pattern IMAGE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final String LAYOUT_FORMAT = "format=1";
    /** One lock per root directory in this JVM; FileLock only excludes other processes. */
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final CasConfig config;
    private final Path objects;
    private final Path refs;
    private final Path tmp;
    private final Path lockFile;
    private final String prefix;
    private final String writeDisabled;
    private final Set<CasImageStream> openStreams = ConcurrentHashMap.newKeySet();
    private final AtomicLong adds = new AtomicLong();
    private final AtomicLong dedupAdds = new AtomicLong();
    private final AtomicLong bytesDeduplicated = new AtomicLong();
    private volatile boolean closed;

    CasStoreDriver(CasConfig config, StoreSettings settings) {
        this.config = config;
        this.objects = config.root.resolve("objects");
        this.refs = config.root.resolve("refs");
        this.tmp = config.root.resolve("tmp");
        this.lockFile = config.root.resolve("lock");
        this.prefix = CasLocation.SCHEME + "://" + config.storeId;
        checkLayout(settings);
        String reason = null;
        if (config.readOnly) {
            reason = "store '" + config.storeId + "': " + CasConfig.READ_ONLY + " is true (" + config.readOnlyOrigin + ")";
        } else {
            try {
                Files.createDirectories(objects);
                Files.createDirectories(refs);
                Files.createDirectories(tmp);
                writeLayoutIfMissing();
            } catch (IOException e) {
                // glance's configure_add failing: the store still serves reads.
                reason = "store '" + config.storeId + "': cannot prepare " + config.root + " for writing: " + e;
                LOG.warn("{}; the store is read-only", reason);
            }
        }
        this.writeDisabled = reason;
        LOG.debug("created {}", this);
    }

    // ------------------------------------------------------------------------------ layout

    private Path layoutFile() {
        return config.root.resolve("layout");
    }

    private void checkLayout(StoreSettings settings) {
        Path f = layoutFile();
        if (!Files.isRegularFile(f)) {
            return;
        }
        String recorded = null;
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (line.startsWith("shard_depth=")) {
                    recorded = line.substring("shard_depth=".length()).trim();
                }
            }
        } catch (IOException e) {
            throw StoreException.backend("store '" + config.storeId + "': cannot read " + f + ": " + e, e);
        }
        if (recorded == null) {
            throw settings.error(CasConfig.ROOT, config.root.toString(),
                    "a cas store directory, but " + f + " records no shard_depth");
        }
        if (!recorded.equals(String.valueOf(config.shardDepth))) {
            throw settings.error(CasConfig.SHARD_DEPTH, config.shardDepthText,
                    "the depth the store was created with, " + recorded + " (recorded in " + f + ")");
        }
    }

    private void writeLayoutIfMissing() throws IOException {
        withLock(() -> {
            if (!Files.exists(layoutFile())) {
                writeAtomically(layoutFile(), "# Stowage cas store; do not edit\n" + LAYOUT_FORMAT + "\nshard_depth="
                        + config.shardDepth + "\n");
            }
            return null;
        });
    }

    /** {@code objects/ab/cdef...} for a SHA-256 in hex, with {@code shard_depth} directory levels. */
    Path objectPath(String sha256) {
        Path p = objects;
        for (int i = 0; i < config.shardDepth; i++) {
            p = p.resolve(sha256.substring(2 * i, 2 * i + 2));
        }
        return p.resolve(sha256.substring(2 * config.shardDepth));
    }

    private static Path countPath(Path object) {
        return object.resolveSibling(object.getFileName() + ".count");
    }

    private Path refPath(String imageId) {
        return refs.resolve(imageId);
    }

    // --------------------------------------------------------------------- StoreDriver basics

    @Override
    public Set<String> schemes() {
        return Set.of(CasLocation.SCHEME);
    }

    @Override
    public Capabilities capabilities() {
        Capabilities all = Capabilities.READ_RANDOM_WRITE;
        return writeDisabled == null ? all : all.without(Capability.WRITE_ACCESS);
    }

    @Override
    public List<String> locationPrefixes() {
        return List.of(prefix);
    }

    @Override
    public Optional<String> writeDisabledReason() {
        return Optional.ofNullable(writeDisabled);
    }

    @Override
    public StoreLocation parseLocation(String uri) {
        String expected = "; expected " + prefix + "/<image id>";
        if (uri == null || !uri.startsWith(CasLocation.SCHEME + "://")) {
            throw StoreException.badStoreUri("store '" + config.storeId + "': '" + uri + "' is not a cas location" + expected);
        }
        String rest = uri.substring(CasLocation.SCHEME.length() + 3);
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw StoreException.badStoreUri("store '" + config.storeId + "': '" + uri + "' names no image" + expected);
        }
        String store = rest.substring(0, slash);
        String id = rest.substring(slash + 1);
        if (!store.equals(config.storeId)) {
            throw StoreException.badStoreUri("store '" + config.storeId + "': '" + uri + "' belongs to store '" + store
                    + "'" + expected);
        }
        if (!IMAGE_ID.matcher(id).matches()) {
            throw StoreException.badStoreUri("store '" + config.storeId + "': '" + uri + "' has the image id '" + id
                    + "', which is not one path segment of letters, digits, '.', '_' and '-' (not starting with '.')"
                    + expected);
        }
        return new CasLocation(store, id);
    }

    private CasLocation own(StoreLocation location) {
        if (location instanceof CasLocation && ((CasLocation) location).storeId().equals(config.storeId)) {
            return (CasLocation) location;
        }
        // Another store's or driver's location object: re-parse, which names the problem.
        return (CasLocation) parseLocation(location.uri());
    }

    @Override
    public Map<String, Object> properties() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("root", config.root.toString());
        m.put("shard_depth", String.valueOf(config.shardDepth));
        m.put("read_only", String.valueOf(writeDisabled != null));
        return m;
    }

    @Override
    public Map<String, Long> statistics() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("adds", adds.get());
        m.put("deduplicated_adds", dedupAdds.get());
        m.put("bytes_deduplicated", bytesDeduplicated.get());
        return m;
    }

    // --------------------------------------------------------------------------------- add

    @Override
    public AddResult add(AddRequest request) {
        ensureOpen();
        if (writeDisabled != null) {
            throw StoreException.storeAddDisabled(writeDisabled + "; cannot add image " + request.imageId());
        }
        String id = request.imageId();
        if (!IMAGE_ID.matcher(id).matches()) {
            throw StoreException.badStoreUri("store '" + config.storeId + "': image id '" + id + "' cannot be stored: "
                    + "expected letters, digits, '.', '_' and '-' (not starting with '.'), at most 200 characters");
        }
        String location = prefix + "/" + id;
        if (Files.exists(refPath(id))) {
            throw duplicate(id, location);
        }
        Path part = tmp.resolve(id + "." + UUID.randomUUID() + ".part");
        try {
            MessageDigest sha = sha256();
            long size = 0;
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ImageInput in = request.data();
                ByteBuffer chunk;
                while ((chunk = next(in)) != null) {
                    sha.update(chunk.duplicate());
                    while (chunk.hasRemaining()) {
                        size += out.write(chunk);
                    }
                }
                if (config.fsync) {
                    out.force(true);
                }
            }
            Checksums sums = request.data().checksums();
            String hex = HexFormat.of().formatHex(sha.digest());
            boolean deduplicated = publish(id, location, hex, size, part);
            adds.incrementAndGet();
            if (deduplicated) {
                dedupAdds.incrementAndGet();
                bytesDeduplicated.addAndGet(size);
            }
            LOG.debug("store '{}': added image {} ({} bytes, sha256 {}{})", config.storeId, id, size, hex,
                    deduplicated ? ", content already stored" : "");
            return new AddResult(location, sums, Map.of());
        } catch (IOException e) {
            deleteQuietly(part);
            throw writeFailure("writing image " + id + " to " + config.root, e);
        } catch (RuntimeException | Error e) {
            deleteQuietly(part);
            throw e;
        }
    }

    /** The next chunk; a failing source surfaces unchanged (StoreException) or as UncheckedIOException. */
    private static ByteBuffer next(ImageInput in) {
        try {
            return in.nextChunk();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the image source failed: " + e.getMessage(), e);
        }
    }

    /** Makes the image visible. Returns true if its content was already stored. */
    private boolean publish(String id, String location, String hex, long size, Path part) throws IOException {
        return withLock(() -> {
            Path ref = refPath(id);
            if (Files.exists(ref)) {
                throw duplicate(id, location);
            }
            Path object = objectPath(hex);
            Path count = countPath(object);
            long n = readCount(count);
            boolean dedup = n > 0 && Files.isRegularFile(object);
            if (dedup) {
                Files.delete(part);
            } else {
                Files.createDirectories(object.getParent());
                Files.move(part, object, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                n = 0;
                syncDir(object.getParent());
            }
            writeAtomically(count, (n + 1) + "\n");
            writeAtomically(ref, "sha256=" + hex + "\nsize=" + size + "\n");
            syncDir(refs);
            return dedup;
        });
    }

    private StoreException duplicate(String id, String location) {
        return StoreException.duplicate("store '" + config.storeId + "': image " + id + " already exists (" + location
                + "); the existing image was left unchanged");
    }

    // ------------------------------------------------------------------------ get/size/delete

    /** A parsed reference file. */
    record Ref(String sha256, long size) {
    }

    private Ref readRef(CasLocation loc) {
        Path ref = refPath(loc.imageId());
        List<String> lines;
        try {
            lines = Files.readAllLines(ref, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw StoreException.notFound("store '" + config.storeId + "': no image at " + loc + " (no reference file "
                    + ref + ")");
        } catch (IOException e) {
            throw StoreException.backend("store '" + config.storeId + "': cannot read " + ref + " for " + loc + ": " + e, e);
        }
        String sha = null;
        long size = -1;
        for (String line : lines) {
            if (line.startsWith("sha256=")) {
                sha = line.substring(7).trim();
            } else if (line.startsWith("size=")) {
                try {
                    size = Long.parseLong(line.substring(5).trim());
                } catch (NumberFormatException e) {
                    size = -1;
                }
            }
        }
        if (sha == null || !sha.matches("[0-9a-f]{64}") || size < 0) {
            throw StoreException.backend("store '" + config.storeId + "': reference file " + ref + " of " + loc
                    + " is corrupt: expected lines sha256=<64 hex digits> and size=<bytes>");
        }
        return new Ref(sha, size);
    }

    @Override
    public ImageStream get(StoreLocation location, long offset, long length) {
        ensureOpen();
        CasLocation loc = own(location);
        if (offset < 0 || length < -1) {
            throw new IllegalArgumentException("store '" + config.storeId + "': bad range offset=" + offset + ", length="
                    + length + " for " + loc + "; expected offset >= 0 and length >= -1");
        }
        Ref ref = readRef(loc);
        Path object = objectPath(ref.sha256());
        FileChannel ch;
        try {
            ch = FileChannel.open(object, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            if (!Files.exists(refPath(loc.imageId()))) {
                throw StoreException.notFound("store '" + config.storeId + "': no image at " + loc + " (deleted meanwhile)");
            }
            throw StoreException.backend("store '" + config.storeId + "': " + loc + " refers to object " + object
                    + ", which is missing", e);
        } catch (IOException e) {
            throw StoreException.backend("store '" + config.storeId + "': cannot open " + object + " for " + loc + ": " + e, e);
        }
        long start = Math.min(offset, ref.size());
        long len = length < 0 ? ref.size() - start : Math.min(length, ref.size() - start);
        CasImageStream[] self = new CasImageStream[1];
        CasImageStream s = new CasImageStream(ch, config.storeId + " " + loc, start, len,
                () -> openStreams.remove(self[0]));
        self[0] = s;
        openStreams.add(s);
        if (closed) { // closed concurrently: do not leak the channel
            closeQuietly(s);
            ensureOpen();
        }
        return s;
    }

    @Override
    public long size(StoreLocation location) {
        ensureOpen();
        return readRef(own(location)).size();
    }

    @Override
    public void delete(StoreLocation location) {
        ensureOpen();
        CasLocation loc = own(location);
        if (writeDisabled != null) {
            throw StoreException.storeDeleteNotSupported(writeDisabled + "; cannot delete " + loc);
        }
        try {
            withLock(() -> {
                Ref ref = readRef(loc);
                Files.delete(refPath(loc.imageId()));
                syncDir(refs);
                Path object = objectPath(ref.sha256());
                Path count = countPath(object);
                long n = readCount(count) - 1;
                if (n > 0) {
                    writeAtomically(count, n + "\n");
                } else {
                    Files.deleteIfExists(object);
                    Files.deleteIfExists(count);
                    removeEmptyShards(object.getParent());
                }
                LOG.debug("store '{}': deleted {} (object {} now has {} references)", config.storeId, loc,
                        ref.sha256(), Math.max(0, n));
                return null;
            });
        } catch (IOException e) {
            throw writeFailure("deleting " + loc, e);
        }
    }

    private void removeEmptyShards(Path dir) throws IOException {
        for (Path d = dir; d != null && d.startsWith(objects) && !d.equals(objects); d = d.getParent()) {
            try {
                Files.deleteIfExists(d);
            } catch (DirectoryNotEmptyException e) {
                return;
            }
        }
    }

    // ------------------------------------------------------------------------------ helpers

    private long readCount(Path count) throws IOException {
        try {
            String t = Files.readString(count, StandardCharsets.UTF_8).trim();
            return Long.parseLong(t);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (NumberFormatException e) {
            throw StoreException.backend("store '" + config.storeId + "': reference count " + count
                    + " is corrupt: expected a number", e);
        }
    }

    /** Writes a small file through tmp/ and a rename, so readers see the old or the new content. */
    private void writeAtomically(Path target, String content) throws IOException {
        Path t = tmp.resolve(target.getFileName() + "." + UUID.randomUUID() + ".new");
        try {
            try (FileChannel ch = FileChannel.open(t, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                if (config.fsync) {
                    ch.force(true);
                }
            }
            Files.move(t, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(t);
            throw e;
        }
    }

    private void syncDir(Path dir) {
        if (!config.fsync) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            LOG.debug("fsync of directory {} not supported: {}", dir, e.toString());
        }
    }

    @FunctionalInterface
    private interface IoAction<T> {
        T run() throws IOException;
    }

    /** Runs {@code action} holding this root's lock, in this JVM and against other processes. */
    private <T> T withLock(IoAction<T> action) throws IOException {
        ReentrantLock jvm = JVM_LOCKS.computeIfAbsent(config.root, r -> new ReentrantLock());
        jvm.lock();
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            return action.run();
        } finally {
            jvm.unlock();
        }
    }

    private StoreException writeFailure(String what, IOException e) {
        String msg = "store '" + config.storeId + "': " + what + " failed: " + e;
        if (e instanceof AccessDeniedException) {
            return StoreException.storageWriteDenied(msg, e);
        }
        if (String.valueOf(e.getMessage()).contains("No space left on device")) {
            return StoreException.storageFull(msg, e);
        }
        return StoreException.backend(msg, e);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("could not remove {}: {}", p, e.toString());
        }
    }

    private static void closeQuietly(CasImageStream s) {
        try {
            s.close();
        } catch (IOException e) {
            LOG.debug("closing {} failed: {}", s, e.toString());
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("store '" + config.storeId + "' is closed");
        }
    }

    @Override
    public void close() {
        closed = true;
        for (CasImageStream s : List.copyOf(openStreams)) {
            closeQuietly(s);
        }
        openStreams.clear();
    }

    @Override
    public String toString() {
        return "CasStoreDriver[" + config + (writeDisabled == null ? "" : ", write disabled") + "]";
    }
}
