package org.stowage.drivers.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.file.FileStoreConfig.Datadir;
import org.stowage.drivers.file.internal.FileImageStream;
import org.stowage.drivers.file.internal.MetadataFile;
import org.stowage.spi.AddRequest;
import org.stowage.spi.AddResult;
import org.stowage.spi.BackendException;
import org.stowage.spi.BadStoreUriException;
import org.stowage.spi.Capabilities;
import org.stowage.spi.Capability;
import org.stowage.spi.Checksums;
import org.stowage.spi.DuplicateException;
import org.stowage.spi.ForbiddenException;
import org.stowage.spi.ImageInput;
import org.stowage.spi.ImageStream;
import org.stowage.spi.NotFoundException;
import org.stowage.spi.StorageFullException;
import org.stowage.spi.StorageWriteDeniedException;
import org.stowage.spi.StoreAddDisabledException;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreDeleteNotSupportedException;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;

/**
 * A file store: each image is the file {@code <datadir>/<image id>}, located by
 * {@code file://<datadir>/<image id>}.
 *
 * <p><b>Crash safety.</b> An add writes {@code <datadir>/.<image id>.stowage-partial-<random>},
 * and only after the last byte, the size check and the digests (and {@code fsync} when
 * {@code filesystem_store_fsync} is on) hard-links it to the final name with
 * {@link Files#createLink}, which fails if the name exists, then removes the temporary name. So
 * an image is either complete or absent, two concurrent adds of one id have exactly one winner,
 * and a crash leaves at most a recognisable temporary file.
 */
public final class FileStoreDriver implements StoreDriver {
    private static final Logger LOG = LoggerFactory.getLogger(FileStoreDriver.class);
    /** Infix of temporary file names: {@code .<image id>.stowage-partial-<16 hex digits>}. */
    public static final String PARTIAL_INFIX = ".stowage-partial-";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int ZEROS_LEN = 64 * 1024;
    private static final ByteBuffer ZEROS = ByteBuffer.allocate(ZEROS_LEN).asReadOnlyBuffer();

    private final FileStoreConfig config;
    private final String storeId;
    private final String writeDisabledReason;
    private final MetadataFile metadata;
    private final Capabilities capabilities;
    private final List<String> prefixes;
    private final Set<FileImageStream> openStreams = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * Creates the store and prepares its write side as glance_store's {@code configure_add}
     * does: creates missing directories, checks they are writable, applies the directory mode
     * rule, and loads the metadata file. If any of that fails the store still reads, but
     * refuses add and delete with {@link #writeDisabledReason()}.
     */
    public FileStoreDriver(FileStoreConfig config, StoreContext context) {
        this.config = config;
        this.storeId = context.storeId();
        List<String> p = new ArrayList<>();
        for (Datadir d : config.datadirs()) {
            p.add("file://" + d.path());
        }
        this.prefixes = List.copyOf(p);
        String reason = null;
        MetadataFile meta = null;
        try {
            prepareDirectories();
            if (config.metadataFile().isPresent()) {
                try {
                    meta = MetadataFile.load(config.metadataFile().get());
                } catch (IllegalArgumentException e) {
                    throw new WriteSetupException("option " + FileStoreConfig.METADATA_FILE + ": " + e.getMessage());
                }
            }
        } catch (WriteSetupException e) {
            reason = "store '" + storeId + "' could not be configured for writing: " + e.getMessage();
            LOG.warn("{}; add and delete are disabled, reads still work", reason);
        }
        this.writeDisabledReason = reason;
        this.metadata = meta;
        this.capabilities = reason == null ? Capabilities.READ_RANDOM_WRITE
                : Capabilities.READ_RANDOM_WRITE.without(Capability.WRITE_ACCESS);
    }

    private static final class WriteSetupException extends Exception {
        private static final long serialVersionUID = 1L;

        WriteSetupException(String message) {
            super(message);
        }
    }

    private void prepareDirectories() throws WriteSetupException {
        for (Datadir d : config.datadirs()) {
            Path dir = d.path();
            if (Files.isDirectory(dir)) {
                if (!Files.isWritable(dir)) {
                    throw new WriteSetupException("Permission to write in " + dir + " denied");
                }
            } else if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir)) {
                throw new WriteSetupException("datadir " + dir + " exists but is not a directory");
            } else {
                try {
                    Files.createDirectories(dir);
                    LOG.info("store '{}': created data directory {}", storeId, dir);
                } catch (IOException | RuntimeException e) {
                    throw new WriteSetupException("Unable to create datadir " + dir + ": " + describe(e));
                }
            }
            setExecPermission(dir);
        }
    }

    /** glance_store's {@code _set_exec_permission}: a readable-by-group/other file mode needs g+x/o+x on the directory. */
    private void setExecPermission(Path dir) {
        int perm = config.filePerm();
        if (perm <= 0) {
            return;
        }
        Set<PosixFilePermission> add = EnumSet.noneOf(PosixFilePermission.class);
        if ((perm & 0007) != 0) {
            add.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        if ((perm & 0070) != 0) {
            add.add(PosixFilePermission.GROUP_EXECUTE);
        }
        if (add.isEmpty()) {
            return;
        }
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
            if (view == null) {
                return;
            }
            Set<PosixFilePermission> cur = view.readAttributes().permissions();
            if (!cur.containsAll(add)) {
                Set<PosixFilePermission> next = EnumSet.copyOf(cur);
                next.addAll(add);
                view.setPermissions(next);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("store '{}': could not add {} to data directory {}: {}", storeId, add, dir, describe(e));
        }
    }

    /** The configuration. */
    public FileStoreConfig config() {
        return config;
    }

    @Override
    public Set<String> schemes() {
        return Set.of("file", "filesystem");
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public List<String> locationPrefixes() {
        return prefixes;
    }

    @Override
    public StoreLocation parseLocation(String uri) {
        return FileLocation.parse(uri);
    }

    @Override
    public Optional<String> writeDisabledReason() {
        return Optional.ofNullable(writeDisabledReason);
    }

    @Override
    public Map<String, Object> properties() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (config.multipleDatadirs()) {
            List<String> dirs = new ArrayList<>();
            for (Datadir d : config.datadirs()) {
                dirs.add(d.path().toString());
            }
            m.put("data_dir", dirs);
        } else {
            m.put("data_dir", config.datadirs().get(0).path().toString());
        }
        m.put("chunk_size", config.chunkSize());
        m.put("thin_provisioning", config.thinProvisioning());
        return m;
    }

    // ------------------------------------------------------------------------------------ add

    @Override
    public AddResult add(AddRequest request) {
        checkOpen();
        if (writeDisabledReason != null) {
            throw new StoreAddDisabledException(writeDisabledReason + "; add is disabled");
        }
        String id = request.imageId();
        checkImageId(id);
        for (Datadir d : config.datadirs()) {
            Path existing = d.path().resolve(id);
            if (Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                throw new DuplicateException("store '" + storeId + "': image " + id + " already exists at file://"
                        + existing);
            }
        }
        ImageInput input = request.data();
        Path dir = chooseDatadir(input.declaredSize());
        Path target = dir.resolve(id);
        Path temp = dir.resolve("." + id + PARTIAL_INFIX + HexFormat.of().toHexDigits(RANDOM.nextLong()));
        FileChannel ch = null;
        boolean done = false;
        long written = 0;
        try {
            try {
                ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw writeFailure(id, temp, 0, e);
            }
            written = copy(input, ch, id, temp);
            Checksums sums = input.checksums();
            try {
                if (config.thinProvisioning() && ch.size() < written) {
                    // the image ends in skipped zero chunks: extend to the full size
                    writeFully(ch, ByteBuffer.wrap(new byte[1]), written - 1);
                }
                if (config.fsync()) {
                    ch.force(true);
                }
                ch.close();
            } catch (IOException e) {
                throw writeFailure(id, temp, written, e);
            }
            if (config.filePerm() > 0) {
                applyFilePerm(temp);
            }
            try {
                Files.createLink(target, temp);
            } catch (FileAlreadyExistsException e) {
                throw new DuplicateException("store '" + storeId + "': image " + id + " already exists at file://"
                        + target + " (another add of the same id finished first)");
            } catch (IOException | UnsupportedOperationException e) {
                String why = !Files.isDirectory(dir) ? "the data directory " + dir + " disappeared during the add"
                        : e instanceof UnsupportedOperationException || e instanceof java.nio.file.FileSystemException
                        && "Operation not permitted".equals(((java.nio.file.FileSystemException) e).getReason())
                        ? "the file store needs a file system with hard links" : describe(e);
                throw new BackendException("store '" + storeId + "': cannot link the new image file " + temp + " to "
                        + target + " (" + why + ")", e);
            }
            done = true;
            try {
                Files.delete(temp);
            } catch (IOException e) {
                LOG.warn("store '{}': image {} is stored, but its temporary name {} could not be removed: {}",
                        storeId, id, temp, describe(e));
            }
            if (config.fsync()) {
                fsyncDirectory(dir);
            }
            Map<String, Object> meta = metadataFor(target);
            LOG.debug("store '{}': added image {} ({} bytes) at {}", storeId, id, written, target);
            return new AddResult("file://" + target, sums, meta);
        } catch (IOException e) {
            // the image source failed (nextChunk); the write side is mapped in writeFailure
            throw new UncheckedIOException("store '" + storeId + "': reading the data of image " + id + " failed after "
                    + input.bytesRead() + " bytes: " + e.getMessage(), e);
        } finally {
            if (!done) {
                if (ch != null) {
                    try {
                        ch.close();
                    } catch (IOException e) {
                        // removing the file below matters more
                    }
                }
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException | RuntimeException e) {
                    LOG.error("store '{}': could not remove the partial file {} of a failed add: {}", storeId, temp,
                            describe(e));
                }
            }
        }
    }

    /** Writes every chunk; returns the byte count. IOExceptions from here are the source's. */
    private long copy(ImageInput input, FileChannel ch, String id, Path temp) throws IOException {
        long pos = 0;
        int chunk = config.chunkSize();
        boolean thin = config.thinProvisioning();
        ByteBuffer buf;
        while ((buf = input.nextChunk()) != null) {
            try {
                if (!thin) {
                    int n = buf.remaining();
                    writeFully(ch, buf, pos);
                    pos += n;
                    continue;
                }
                while (buf.hasRemaining()) {
                    // split at absolute multiples of the chunk size
                    long boundary = (pos / chunk + 1) * chunk;
                    int n = (int) Math.min(buf.remaining(), boundary - pos);
                    ByteBuffer piece = buf.slice(buf.position(), n);
                    if (!isZero(piece)) {
                        writeFully(ch, piece, pos);
                    }
                    buf.position(buf.position() + n);
                    pos += n;
                }
            } catch (IOException e) {
                throw writeFailure(id, temp, pos, e);
            }
        }
        return pos;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
    }

    private static boolean isZero(ByteBuffer piece) {
        int off = 0;
        int len = piece.remaining();
        while (off < len) {
            int n = Math.min(ZEROS_LEN, len - off);
            if (piece.slice(piece.position() + off, n).mismatch(ZEROS.slice(0, n)) >= 0) {
                return false;
            }
            off += n;
        }
        return true;
    }

    /** Maps a write-side I/O failure to glance_store's exceptions. */
    private StoreException writeFailure(String id, Path temp, long written, IOException e) {
        String reason = reason(e);
        String where = "store '" + storeId + "': writing image " + id + " to " + temp.getParent() + " failed after "
                + written + " bytes";
        if (reason.contains("no space left") || reason.contains("file too large")
                || reason.contains("quota exceeded")) {
            return new StorageFullException(where + ": " + describe(e)
                    + " (there is not enough space on the storage backend)", e);
        }
        if (e instanceof AccessDeniedException || reason.contains("permission denied")
                || reason.contains("read-only file system") || reason.contains("operation not permitted")) {
            return new StorageWriteDeniedException(where + ": " + describe(e)
                    + " (permission to write to the storage backend was denied)", e);
        }
        return new BackendException(where + ": " + describe(e), e);
    }

    private static String reason(IOException e) {
        String r = e instanceof FileSystemException ? ((FileSystemException) e).getReason() : null;
        String m = e.getMessage();
        return ((r == null ? "" : r) + " " + (m == null ? "" : m)).toLowerCase(Locale.ROOT);
    }

    private void applyFilePerm(Path file) {
        int perm = config.filePerm();
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE};
        for (int i = 0; i < 9; i++) {
            if ((perm & (0400 >> i)) != 0) {
                set.add(order[i]);
            }
        }
        try {
            Files.setPosixFilePermissions(file, set);
        } catch (IOException | RuntimeException e) {
            LOG.warn("store '{}': could not set mode {} on {}: {}", storeId, Integer.toOctalString(perm), file,
                    describe(e));
        }
    }

    private void fsyncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | RuntimeException e) {
            LOG.warn("store '{}': could not fsync directory {}: {}", storeId, dir, describe(e));
        }
    }

    /** glance_store's {@code _find_best_datadir}. */
    Path chooseDatadir(long declaredSize) {
        List<Datadir> dirs = config.datadirs();
        if (!config.multipleDatadirs()) {
            return dirs.get(0).path();
        }
        long need = Math.max(0, declaredSize);
        int i = 0;
        while (i < dirs.size()) {
            int priority = dirs.get(i).priority();
            Path best = null;
            long bestFree = 0;
            for (; i < dirs.size() && dirs.get(i).priority() == priority; i++) {
                Path dir = dirs.get(i).path();
                long free;
                try {
                    free = Math.max(0, Files.getFileStore(dir).getUsableSpace());
                } catch (IOException e) {
                    LOG.warn("store '{}': cannot read the free space of {}: {}", storeId, dir, describe(e));
                    continue;
                }
                if (free >= need && free > bestFree) {
                    best = dir;
                    bestFree = free;
                }
            }
            if (best != null) {
                return best;
            }
        }
        throw new StorageFullException("store '" + storeId + "': there is not enough disk space for an image of "
                + (declaredSize < 0 ? "unknown size" : declaredSize + " bytes") + " in any of " + dirs);
    }

    private Map<String, Object> metadataFor(Path target) {
        if (metadata == null) {
            return Map.of();
        }
        Map<String, Object> m = metadata.metadataFor(target.toString());
        if (m == null) {
            LOG.error("store '{}': no entry of metadata file {} has a mountpoint that contains {}; returning no "
                    + "location metadata", storeId, config.metadataFile().orElse(null), target);
            return Map.of();
        }
        return m;
    }

    /** Rejects image ids that are not a single, plain file name. */
    private void checkImageId(String id) {
        String problem = null;
        if (id.isEmpty()) {
            problem = "it is empty";
        } else if (id.startsWith(".")) {
            problem = "it starts with '.' (such names are '.', '..' or reserved for temporary files)";
        } else if (id.indexOf('/') >= 0) {
            problem = "it contains '/'";
        } else if (id.indexOf('\0') >= 0) {
            problem = "it contains a NUL character";
        } else if (id.indexOf('?') >= 0 || id.indexOf('#') >= 0) {
            problem = "it contains '?' or '#', which end the path of a file:// location";
        } else if (!id.equals(id.trim())) {
            problem = "it starts or ends with white space, which file:// locations drop";
        }
        if (problem != null) {
            throw new BadStoreUriException("store '" + storeId + "': image id '" + id + "' cannot be stored: " + problem
                    + "; an image id must be a single file name inside the data directory");
        }
    }

    // ------------------------------------------------------------------------- get, size, delete

    @Override
    public ImageStream get(StoreLocation location, long offset, long length) {
        checkOpen();
        if (offset < 0 || length < -1) {
            throw new IllegalArgumentException("store '" + storeId + "': bad range offset=" + offset + ", length="
                    + length + ": expected offset >= 0 and length >= 0 or -1");
        }
        Path file = resolve(location);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw notFound(location);
        } catch (IOException e) {
            throw new BackendException("store '" + storeId + "': cannot open image file " + file + ": " + describe(e), e);
        }
        try {
            long size = ch.size();
            if (!Files.isRegularFile(file)) {
                throw new NotFoundException("store '" + storeId + "': " + location + " is not an image file");
            }
            long start = Math.min(offset, size);
            long len = length < 0 ? size - start : Math.min(length, size - start);
            FileImageStream s = new FileImageStream(ch, file.toString(), start, len, openStreams::remove);
            openStreams.add(s);
            if (closed) {
                s.close();
                checkOpen();
            }
            return s;
        } catch (IOException | RuntimeException e) {
            try {
                ch.close();
            } catch (IOException x) {
                e.addSuppressed(x);
            }
            if (e instanceof RuntimeException) {
                throw (RuntimeException) e;
            }
            throw new BackendException("store '" + storeId + "': cannot read image file " + file + ": " + describe(e), e);
        }
    }

    @Override
    public long size(StoreLocation location) {
        checkOpen();
        Path file = resolve(location);
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                throw new NotFoundException("store '" + storeId + "': " + location + " is not an image file");
            }
            return a.size();
        } catch (NoSuchFileException e) {
            throw notFound(location);
        } catch (IOException e) {
            throw new BackendException("store '" + storeId + "': cannot read the size of " + file + ": " + describe(e), e);
        }
    }

    @Override
    public void delete(StoreLocation location) {
        checkOpen();
        if (writeDisabledReason != null) {
            throw new StoreDeleteNotSupportedException(writeDisabledReason + "; delete is disabled");
        }
        Path file = resolve(location);
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isDirectory()) {
                throw new NotFoundException("store '" + storeId + "': " + location + " is a directory, not an image file");
            }
            Files.delete(file);
            LOG.debug("store '{}': deleted {}", storeId, file);
        } catch (NoSuchFileException e) {
            throw notFound(location);
        } catch (IOException e) {
            throw new ForbiddenException("store '" + storeId + "': You cannot delete file " + file + ": " + describe(e), e);
        }
    }

    /** The file of a location, which must lie inside one of this store's data directories. */
    Path resolve(StoreLocation location) {
        FileLocation loc = location instanceof FileLocation ? (FileLocation) location
                : FileLocation.parse(location.uri());
        Path p;
        try {
            p = Path.of(loc.path()).normalize();
        } catch (InvalidPathException e) {
            throw new BadStoreUriException("store '" + storeId + "': location " + loc + " is not a valid path: "
                    + e.getReason());
        }
        if (p.isAbsolute()) {
            for (Datadir d : config.datadirs()) {
                if (p.startsWith(d.path()) && !p.equals(d.path())) {
                    return p;
                }
            }
        }
        throw new BadStoreUriException("store '" + storeId + "': location " + loc
                + " is not inside this store's data directories " + prefixes);
    }

    private NotFoundException notFound(StoreLocation location) {
        return new NotFoundException("store '" + storeId + "': image " + location + " not found");
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("store '" + storeId + "' is closed");
        }
    }

    private static final java.util.regex.Pattern PARTIAL_NAME =
            java.util.regex.Pattern.compile("^\\..+\\.stowage-partial-[0-9a-f]{16}$");

    /**
     * Temporary files of interrupted adds ({@code .<id>.stowage-partial-<hex>}) in any of this
     * store's directories, last modified at least {@code olderThan} ago. Completed images never
     * match: their names are the bare image id.
     */
    @Override
    public List<org.stowage.spi.Leftover> findLeftovers(java.time.Duration olderThan) {
        java.time.Instant cutoff = java.time.Instant.now().minus(olderThan);
        List<org.stowage.spi.Leftover> out = new ArrayList<>();
        for (Datadir d : config.datadirs()) {
            if (!Files.isDirectory(d.path())) {
                continue;
            }
            try (java.util.stream.Stream<Path> files = Files.list(d.path())) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    if (!PARTIAL_NAME.matcher(p.getFileName().toString()).matches()) {
                        continue;
                    }
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    java.time.Instant since = a.lastModifiedTime().toInstant();
                    if (a.isRegularFile() && !since.isAfter(cutoff)) {
                        out.add(new org.stowage.spi.Leftover(p.toString(), "partial file of an interrupted add: " + p
                                + " (" + a.size() + " bytes)", since));
                    }
                }
            } catch (IOException e) {
                throw new BackendException("store '" + storeId + "': cannot list " + d.path() + ": " + describe(e), e);
            }
        }
        return out;
    }

    @Override
    public void removeLeftover(org.stowage.spi.Leftover leftover) {
        Path p = Path.of(leftover.id());
        boolean inside = config.datadirs().stream().anyMatch(d -> d.path().equals(p.getParent()));
        if (!inside || !PARTIAL_NAME.matcher(p.getFileName().toString()).matches()) {
            throw new BadStoreUriException("store '" + storeId + "': " + p + " is not a partial file of this store");
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new BackendException("store '" + storeId + "': cannot remove " + p + ": " + describe(e), e);
        }
    }

    /** Streams opened by get and not yet closed. */
    int openStreamCount() {
        return openStreams.size();
    }

    @Override
    public void close() {
        closed = true;
        for (FileImageStream s : List.copyOf(openStreams)) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.warn("store '{}': closing an open image stream failed: {}", storeId, describe(e));
            }
        }
    }

    private static String describe(Throwable e) {
        if (e instanceof FileSystemException) {
            FileSystemException f = (FileSystemException) e;
            String r = f.getReason();
            return e.getClass().getSimpleName() + " " + f.getFile() + (r == null ? "" : ": " + r);
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    @Override
    public String toString() {
        return "FileStoreDriver[" + storeId + ", " + prefixes + (writeDisabledReason == null ? "" : ", read-only") + "]";
    }
}
