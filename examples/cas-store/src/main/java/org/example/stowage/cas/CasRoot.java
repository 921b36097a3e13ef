package org.example.stowage.cas;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.toolkit.FileChannels;
import org.stowage.drivers.toolkit.IoErrors;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreSettings;

/**
 * The directory of a cas store and the steps that change it:
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
 * <p>Publishing order is object, count, reference; unlinking removes the reference first and
 * the object last. A crash can therefore leave an over-counted object (wasted space), never a
 * reference to a missing object. Both run under the root's lock: a JVM lock (a {@link FileLock}
 * only excludes other processes) and a {@code FileLock} on {@code lock}.
 */
final class CasRoot {
    private static final Logger LOG = LoggerFactory.getLogger(CasRoot.class);
    private static final String LAYOUT_FORMAT = "format=1";
    private static final String SHARD_DEPTH_LINE = "shard_depth=";
    /** One lock per root directory in this JVM. */
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    /** A parsed reference file. */
    record Ref(String sha256, long size) {
    }

    /** Something done on disk, holding the lock. */
    @FunctionalInterface
    interface IoAction<T> {
        T run() throws IOException;
    }

    private final CasConfig config;
    private final Path objects;
    private final Path refs;
    private final Path tmp;

    CasRoot(CasConfig config) {
        this.config = config;
        this.objects = config.root().resolve("objects");
        this.refs = config.root().resolve("refs");
        this.tmp = config.root().resolve("tmp");
    }

    String storeId() {
        return config.storeId();
    }

    Path path() {
        return config.root();
    }

    Path refs() {
        return refs;
    }

    Path tmp() {
        return tmp;
    }

    boolean fsync() {
        return config.fsync();
    }

    // ------------------------------------------------------------------------------ layout

    private Path layoutFile() {
        return config.root().resolve("layout");
    }

    /** Refuses a root that was created with another shard depth. */
    void checkLayout(StoreSettings settings) {
        Path f = layoutFile();
        if (!Files.isRegularFile(f)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw StoreException.backend("store '" + storeId() + "': cannot read " + f + ": " + IoErrors.describe(e), e);
        }
        String recorded = lines.stream().filter(l -> l.startsWith(SHARD_DEPTH_LINE))
                .map(l -> l.substring(SHARD_DEPTH_LINE.length()).trim()).reduce((a, b) -> b).orElse(null);
        if (recorded == null) {
            throw settings.error(CasOptions.ROOT.name(), config.root().toString(),
                    "a cas store directory, but " + f + " records no shard_depth");
        }
        if (!recorded.equals(String.valueOf(config.shardDepth()))) {
            throw settings.error(CasOptions.SHARD_DEPTH.name(), String.valueOf(config.shardDepth()),
                    "the depth the store was created with, " + recorded + " (recorded in " + f + ")");
        }
    }

    /** Creates the directories and the layout file, as the first add needs them. */
    void prepareForWriting() throws IOException {
        Files.createDirectories(objects);
        Files.createDirectories(refs);
        Files.createDirectories(tmp);
        withLock(() -> {
            if (!Files.exists(layoutFile())) {
                writeAtomically(layoutFile(), "# Stowage cas store; do not edit\n" + LAYOUT_FORMAT + "\n"
                        + SHARD_DEPTH_LINE + config.shardDepth() + "\n");
            }
            return null;
        });
    }

    // ------------------------------------------------------------------------------- paths

    /** {@code objects/ab/cdef...} for a SHA-256 in hex, with {@code shard_depth} directory levels. */
    Path objectPath(String sha256) {
        Path p = objects;
        for (int i = 0; i < config.shardDepth(); i++) {
            p = p.resolve(sha256.substring(2 * i, 2 * i + 2));
        }
        return p.resolve(sha256.substring(2 * config.shardDepth()));
    }

    private static Path countPath(Path object) {
        return object.resolveSibling(object.getFileName() + ".count");
    }

    Path refPath(String imageId) {
        return refs.resolve(imageId);
    }

    /** A new temporary file name in tmp/ for an add of {@code imageId}: {@code <id>.<random>.part}. */
    Path partFile(String imageId) {
        return tmp.resolve(imageId + "." + UUID.randomUUID() + CasInventory.PART_SUFFIX);
    }

    // ------------------------------------------------------------------------ publish/unlink

    /**
     * Makes an image visible: refuses a taken id, moves {@code part} to its object path (or drops
     * it when that content is stored already), counts the reference and writes it. Returns true
     * if the content was already stored.
     */
    boolean publish(CasLocation location, String sha256, long size, Path part) throws IOException {
        return withLock(() -> {
            Path ref = refPath(location.imageId());
            if (Files.exists(ref)) {
                throw duplicate(location);
            }
            Path object = objectPath(sha256);
            Path count = countPath(object);
            long n = readCount(count);
            boolean stored = n > 0 && Files.isRegularFile(object);
            if (stored) {
                Files.delete(part);
            } else {
                Files.createDirectories(object.getParent());
                Files.move(part, object, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                n = 0;
                syncDir(object.getParent());
            }
            writeAtomically(count, (n + 1) + "\n");
            writeAtomically(ref, "sha256=" + sha256 + "\nsize=" + size + "\n");
            syncDir(refs);
            return stored;
        });
    }

    /** Removes an image: its reference, then one count, then the object when no reference is left. */
    void unlink(CasLocation location) throws IOException {
        withLock(() -> {
            Ref ref = readRef(location);
            Files.delete(refPath(location.imageId()));
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
            LOG.debug("store '{}': deleted {} (object {} now has {} references)", storeId(), location,
                    ref.sha256(), Math.max(0, n));
            return null;
        });
    }

    StoreException duplicate(CasLocation location) {
        return StoreException.duplicate("store '" + storeId() + "': image " + location.imageId() + " already exists ("
                + location + "); the existing image was left unchanged");
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

    // ------------------------------------------------------------------------------- files

    /** Reads the reference file of {@code location}: NOT_FOUND when there is none, BACKEND when it is corrupt. */
    Ref readRef(CasLocation location) {
        Path ref = refPath(location.imageId());
        List<String> lines;
        try {
            lines = Files.readAllLines(ref, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw StoreException.notFound("store '" + storeId() + "': no image at " + location + " (no reference file "
                    + ref + ")");
        } catch (IOException e) {
            throw StoreException.backend("store '" + storeId() + "': cannot read " + ref + " for " + location + ": "
                    + IoErrors.describe(e), e);
        }
        String sha = value(lines, "sha256=");
        long size = sizeOf(value(lines, "size="));
        if (sha == null || !sha.matches("[0-9a-f]{64}") || size < 0) {
            throw StoreException.backend("store '" + storeId() + "': reference file " + ref + " of " + location
                    + " is corrupt: expected lines sha256=<64 hex digits> and size=<bytes>");
        }
        return new Ref(sha, size);
    }

    private static String value(List<String> lines, String key) {
        return lines.stream().filter(l -> l.startsWith(key)).map(l -> l.substring(key.length()).trim())
                .reduce((a, b) -> b).orElse(null);
    }

    private static long sizeOf(String text) {
        try {
            return text == null ? -1 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private long readCount(Path count) throws IOException {
        try {
            return Long.parseLong(Files.readString(count, StandardCharsets.UTF_8).trim());
        } catch (NoSuchFileException e) {
            return 0;
        } catch (NumberFormatException e) {
            throw StoreException.backend("store '" + storeId() + "': reference count " + count
                    + " is corrupt: expected a number", e);
        }
    }

    /** Writes a small file through tmp/ and a rename, so readers see the old or the new content. */
    private void writeAtomically(Path target, String content) throws IOException {
        Path t = tmp.resolve(target.getFileName() + "." + UUID.randomUUID() + CasInventory.NEW_SUFFIX);
        try {
            try (FileChannel ch = FileChannel.open(t, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                FileChannels.writeFully(ch, ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)), 0);
                if (config.fsync()) {
                    ch.force(true);
                }
            }
            Files.move(t, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(t);
            throw e;
        }
    }

    /** Removes a file this store wrote, logging (not throwing) when it cannot. */
    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("could not remove {}: {}", p, IoErrors.describe(e));
        }
    }

    private void syncDir(Path dir) {
        if (!config.fsync()) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            LOG.debug("fsync of directory {} not supported: {}", dir, IoErrors.describe(e));
        }
    }

    /** Runs {@code action} holding this root's lock, in this JVM and against other processes. */
    private <T> T withLock(IoAction<T> action) throws IOException {
        ReentrantLock jvm = JVM_LOCKS.computeIfAbsent(config.root(), r -> new ReentrantLock());
        jvm.lock();
        try (FileChannel ch = FileChannel.open(config.root().resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = ch.lock()) {
            return action.run();
        } finally {
            jvm.unlock();
        }
    }
}
