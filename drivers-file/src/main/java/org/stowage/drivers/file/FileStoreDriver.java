package org.stowage.drivers.file;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

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
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
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
import org.stowage.drivers.file.internal.ClaimFile;
import org.stowage.drivers.file.internal.ContainedFile;
import org.stowage.drivers.toolkit.ChannelImageStream;
import org.stowage.drivers.file.internal.MetadataFile;
import org.stowage.spi.AddRequest;
import org.stowage.spi.AddResult;
import org.stowage.spi.Capabilities;
import org.stowage.spi.Capability;
import org.stowage.spi.Checksums;
import org.stowage.spi.ImageInput;
import org.stowage.spi.ImageStream;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreHealth;
import org.stowage.spi.StoreLocation;

/**
 * A file store: each image is the file {@code <datadir>/<image id>}, located by
 * {@code file://<datadir>/<image id>}.
 *
 * <p><b>Crash safety.</b> An add writes {@code <datadir>/.<image id>.stowage-partial-<random>},
 * and only after the last byte, the size check and the digests (and {@code fsync} when
 * {@code filesystem_store_fsync} is on) hard-links it to the final name with
 * {@link Files#createLink}, which fails if the name exists, then removes the temporary name. So
 * an image is either complete or absent, two concurrent adds of one id in one directory have
 * exactly one winner, and a crash leaves at most a recognisable temporary file.
 *
 * <p><b>One winner across directories.</b> With several data directories two adds of one id
 * could pick different directories, and each link would succeed. So there an add first takes
 * the claim {@code .<image id>.stowage-claim} in the directory with the smallest path (the same
 * for every process): a file it holds locked ({@link ClaimFile}) from before its duplicate check
 * until after the publish, and removes when it is done, whether it stored the image or failed.
 * A second add of the id finds the claim locked and fails with Duplicate, in any thread or
 * process. A process killed mid-add leaves the claim file unlocked: the next add of the id takes
 * it over, and {@link #findLeftovers} reports it (gc removes it). A single directory needs no
 * claim: its link is the one winner. The temporary file has the configured
 * {@code filesystem_store_file_perm} before its first byte is written.
 *
 * <p><b>Nothing is created before the first add.</b> Creating the store (as read-only commands
 * do) only checks that each data directory exists and is writable, or could be created; a missing
 * directory is created, with a mode that follows the file mode, by the first add that goes to it.
 *
 * <p><b>Containment.</b> {@code get}, {@code size} and {@code delete} reach a location's file
 * through {@link ContainedFile}: no symbolic link below a data directory is followed, and only
 * regular files are images.
 */
public final class FileStoreDriver implements StoreDriver {
    private static final Logger LOG = LoggerFactory.getLogger(FileStoreDriver.class);
    /** Infix of temporary file names: {@code .<image id>.stowage-partial-<16 hex digits>}. */
    public static final String PARTIAL_INFIX = ".stowage-partial-";
    /** Suffix of claim file names: {@code .<image id>.stowage-claim}, never a partial file's or an image's name. */
    public static final String CLAIM_SUFFIX = ".stowage-claim";
    /** How long an add waits for a claim that another add or gc holds before it reports Duplicate. */
    static final long CLAIM_WAIT_MS = 200;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int ZEROS_LEN = 64 * 1024;
    private static final ByteBuffer ZEROS = ByteBuffer.allocate(ZEROS_LEN).asReadOnlyBuffer();

    private final FileStoreConfig config;
    private final String storeId;
    private final String writeDisabledReason;
    /** What stopped the write side at creation, without the store's name; null if nothing. */
    private final String writeSetupProblem;
    private final MetadataFile metadata;
    private final Capabilities capabilities;
    private final List<String> prefixes;
    /**
     * Where adds of a multi-directory store take their claims: the data directory with the
     * smallest path, so every process with this store's directories picks the same one whatever
     * their order and priorities; null with a single directory.
     */
    private final Path claimDir;
    private final Set<ChannelImageStream> openStreams = ConcurrentHashMap.newKeySet();
    /** Data directories that did not exist when the store was created: the first add creates them. */
    private final Set<Path> missingAtStart = ConcurrentHashMap.newKeySet();
    /** Data directories the first add has prepared (created if missing, execute bits applied). */
    private final Set<Path> prepared = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * Creates the store and checks its write side as glance_store's {@code configure_add} does,
     * without changing anything on disk: each directory must be a writable directory, or be
     * missing under a writable one (the first add creates it), and the metadata file must be
     * valid. If any of that fails the store still reads, but refuses add and delete with
     * {@link #writeDisabledReason()}.
     */
    public FileStoreDriver(FileStoreConfig config, StoreContext context) {
        this.config = config;
        this.storeId = context.storeId();
        List<String> p = new ArrayList<>();
        for (Datadir d : config.datadirs()) {
            p.add("file://" + d.path());
        }
        this.prefixes = List.copyOf(p);
        this.claimDir = config.datadirs().size() < 2 ? null
                : config.datadirs().stream().map(Datadir::path).min(java.util.Comparator.naturalOrder()).get();
        String reason = null;
        String problem = null;
        MetadataFile meta = null;
        try {
            checkDirectories();
            if (config.metadataFile().isPresent()) {
                try {
                    meta = MetadataFile.load(config.metadataFile().get());
                } catch (IllegalArgumentException e) {
                    throw new WriteSetupException("option " + FileStoreConfig.METADATA_FILE + ": " + e.getMessage());
                }
            }
        } catch (WriteSetupException e) {
            problem = "could not be configured for writing: " + e.getMessage();
            reason = "store '" + storeId + "' " + problem;
            LOG.warn("{}; add and delete are disabled, reads still work", reason);
        }
        this.writeDisabledReason = reason;
        this.writeSetupProblem = problem;
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

    private void checkDirectories() throws WriteSetupException {
        for (Datadir d : config.datadirs()) {
            Path dir = d.path();
            if (Files.isDirectory(dir)) {
                if (!Files.isWritable(dir)) {
                    throw new WriteSetupException("Permission to write in " + dir + " denied");
                }
            } else if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new WriteSetupException("datadir " + dir + " exists but is not a directory");
            } else {
                Path above = existingAncestor(dir);
                if (!Files.isDirectory(above)) {
                    throw new WriteSetupException("Unable to create datadir " + dir + ": " + above
                            + " is not a directory");
                }
                if (!Files.isWritable(above)) {
                    throw new WriteSetupException("Unable to create datadir " + dir + ": permission to write in "
                            + above + " denied");
                }
                missingAtStart.add(dir);
            }
        }
    }

    /** The nearest existing directory (or file) on the way up from {@code dir}. */
    private static Path existingAncestor(Path dir) {
        Path p = dir.getParent();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p == null ? dir.getRoot() : p;
    }

    /** True if {@code dir} was missing at start and no add has created it yet. */
    private boolean pending(Path dir) {
        return missingAtStart.contains(dir) && !prepared.contains(dir);
    }

    /**
     * Before the first add into {@code dir}: creates it if it was missing at start (not if it
     * vanished later: an unmounted or removed directory must not silently become a new, empty
     * one), and applies glance_store's execute-bit rule to it.
     */
    private void prepareForWrite(Path dir, String id) {
        if (prepared.contains(dir)) {
            return;
        }
        if (missingAtStart.contains(dir) && !Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir, directoryMode());
                LOG.info("store '{}': created data directory {}", storeId, dir);
            } catch (IOException e) {
                throw writeFailure(id, dir, 0, e);
            }
        }
        setExecPermission(dir);
        prepared.add(dir);
    }

    /**
     * The mode of directories the store creates: owner rwx, plus g+x / o+x when the file mode
     * grants group / other bits (so the images stay reachable as configured and nothing more);
     * the umask's default when no file mode is configured.
     */
    private FileAttribute<?>[] directoryMode() {
        if (config.filePerm() <= 0) {
            return new FileAttribute<?>[0];
        }
        Set<PosixFilePermission> mode = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE);
        mode.addAll(executeBits());
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)};
    }

    /** g+x when the file mode grants any group bit, o+x when it grants any other bit. */
    private Set<PosixFilePermission> executeBits() {
        int perm = config.filePerm();
        Set<PosixFilePermission> add = EnumSet.noneOf(PosixFilePermission.class);
        if ((perm & 0007) != 0) {
            add.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        if ((perm & 0070) != 0) {
            add.add(PosixFilePermission.GROUP_EXECUTE);
        }
        return add;
    }

    /** glance_store's {@code _set_exec_permission}: a readable-by-group/other file mode needs g+x/o+x on the directory. */
    private void setExecPermission(Path dir) {
        if (config.filePerm() <= 0) {
            return;
        }
        Set<PosixFilePermission> add = executeBits();
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

    /**
     * Checks the directories and the metadata file as they are now, without opening anything:
     * {@code unavailable} when no data directory can be read (missing after the store was created,
     * not a directory, not searchable); {@code degraded} when only some can, when the store was
     * made read-only at creation (with that reason), or when a writable store can no longer write
     * to a directory (or create a missing one) or read its metadata file.
     */
    @Override
    public StoreHealth health(java.time.Duration timeout) {
        if (closed) {
            return StoreHealth.unavailable("store '" + storeId + "' is closed");
        }
        List<String> unreadable = new ArrayList<>();
        List<String> degraded = new ArrayList<>();
        for (Datadir d : config.datadirs()) {
            readProblem(d.path()).ifPresent(unreadable::add);
            if (writeSetupProblem == null) {
                writeProblem(d.path()).ifPresent(degraded::add);
            }
        }
        if (unreadable.size() == config.datadirs().size()) {
            return StoreHealth.unavailable(String.join("; ", unreadable));
        }
        if (writeSetupProblem != null) {
            degraded.add(0, "read-only: " + writeSetupProblem);
        } else {
            metadataProblem().ifPresent(degraded::add);
        }
        unreadable.addAll(degraded);
        return unreadable.isEmpty() ? StoreHealth.ok() : StoreHealth.degraded(String.join("; ", unreadable));
    }

    /** Why images in {@code dir} cannot be read now, if they cannot. */
    private Optional<String> readProblem(Path dir) {
        if (Files.isDirectory(dir)) {
            return Files.isReadable(dir) && Files.isExecutable(dir) ? Optional.empty()
                    : Optional.of("datadir " + dir + " cannot be read: permission denied");
        }
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of("datadir " + dir + " is not a directory");
        }
        return pending(dir) ? Optional.empty()
                : Optional.of("datadir " + dir + " does not exist any more (removed or unmounted?)");
    }

    /** Why a writable store cannot write to {@code dir} now (or create it, when the first add will). */
    private Optional<String> writeProblem(Path dir) {
        if (Files.isDirectory(dir)) {
            return Files.isWritable(dir) ? Optional.empty()
                    : Optional.of("write disabled: permission to write in " + dir + " denied");
        }
        if (!pending(dir)) {
            return Optional.empty();
        }
        Path above = existingAncestor(dir);
        return Files.isDirectory(above) && Files.isWritable(above) ? Optional.empty()
                : Optional.of("write disabled: datadir " + dir + " cannot be created: permission to write in "
                        + above + " denied");
    }

    /** Why the metadata file, read at creation, could not be read again now. */
    private Optional<String> metadataProblem() {
        Optional<Path> file = config.metadataFile();
        if (file.isEmpty() || Files.isRegularFile(file.get()) && Files.isReadable(file.get())) {
            return Optional.empty();
        }
        return Optional.of("option " + FileStoreConfig.METADATA_FILE + ": " + file.get()
                + " is no longer a readable file (adds use the copy read at start; the next start disables writes)");
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
        List<String> notes = new ArrayList<>();
        for (Datadir d : config.datadirs()) {
            if (!Files.isDirectory(d.path())) {
                notes.add("datadir " + d.path() + " does not exist"
                        + (pending(d.path()) && writeDisabledReason == null ? " yet; it is created on the first add" : ""));
            }
        }
        if (!notes.isEmpty()) {
            m.put("data_dir_note", String.join("; ", notes));
        }
        return m;
    }

    // ------------------------------------------------------------------------------------ add

    @Override
    public AddResult add(AddRequest request) {
        checkOpen();
        if (writeDisabledReason != null) {
            throw StoreException.storeAddDisabled(writeDisabledReason + "; add is disabled");
        }
        String id = request.imageId();
        checkImageId(id);
        checkNotStored(id, "");
        if (claimDir == null) {
            return store(request); // one directory: the link that publishes the image is the one winner
        }
        ClaimFile claim = claim(id);
        try {
            checkNotStored(id, " (another add of the same id finished first)");
            return store(request);
        } finally {
            letGo(claim, id);
        }
    }

    /** Refuses an id that is an image (or any other file) in one of the data directories. */
    private void checkNotStored(String id, String why) {
        for (Datadir d : config.datadirs()) {
            Path existing = d.path().resolve(id);
            if (Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                throw StoreException.duplicate("store '" + storeId + "': image " + id + " already exists at file://"
                        + existing + why);
            }
        }
    }

    /**
     * Takes the claim on {@code id} that makes one add of it at a time run between the
     * duplicate check and the publish across all data directories. Waits up to
     * {@link #CLAIM_WAIT_MS} for a claim held only for a moment (gc probing it); a claim held
     * longer is a running add of the same id: Duplicate.
     */
    private ClaimFile claim(String id) {
        prepareForWrite(claimDir, id);
        Path name = Path.of("." + id + CLAIM_SUFFIX);
        String owner = "add of image " + id + " by process " + ProcessHandle.current().pid() + " since "
                + java.time.Instant.now();
        long deadline = System.nanoTime() + CLAIM_WAIT_MS * 1_000_000;
        while (true) {
            Optional<ClaimFile> c;
            try {
                c = ClaimFile.tryTake(claimDir, name, owner, true);
            } catch (IOException e) {
                throw writeFailure("store '" + storeId + "': cannot take the claim file " + claimDir.resolve(name)
                        + " that keeps two adds of image " + id + " from both storing it", e);
            }
            if (c.isPresent()) {
                return c.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw StoreException.duplicate("store '" + storeId + "': image " + id + " is being added by another "
                        + "add right now (it holds the claim file " + claimDir.resolve(name) + ")");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw StoreException.backend("store '" + storeId + "': interrupted while waiting for the claim file "
                        + claimDir.resolve(name) + " of image " + id, e);
            }
        }
    }

    /** Removes and unlocks the claim; a claim file that cannot be removed is left for gc (and the next add). */
    private void letGo(ClaimFile claim, String id) {
        try {
            claim.close();
        } catch (IOException e) {
            LOG.error("store '{}': could not remove the claim file {} of an add of image {} ({}); it is unlocked, "
                    + "so it stops no add, and gc removes it", storeId, claim.path(), id, describe(e));
        }
    }

    /** Writes the image to a temporary file in the chosen directory and links it to its final name. */
    private AddResult store(AddRequest request) {
        String id = request.imageId();
        ImageInput input = request.data();
        Path dir = chooseDatadir(input.declaredSize());
        prepareForWrite(dir, id);
        Path target = dir.resolve(id);
        Path temp = dir.resolve("." + id + PARTIAL_INFIX + HexFormat.of().toHexDigits(RANDOM.nextLong()));
        FileChannel ch = null;
        boolean done = false;
        long written = 0;
        try {
            ch = createPartialFile(id, temp);
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
                throw writeFailure(id, dir, written, e);
            }
            try {
                Files.createLink(target, temp);
            } catch (FileAlreadyExistsException e) {
                throw StoreException.duplicate("store '" + storeId + "': image " + id + " already exists at file://"
                        + target + " (another add of the same id finished first)");
            } catch (IOException | UnsupportedOperationException e) {
                String why = !Files.isDirectory(dir) ? "the data directory " + dir + " disappeared during the add"
                        : e instanceof UnsupportedOperationException || e instanceof java.nio.file.FileSystemException
                        && "Operation not permitted".equals(((java.nio.file.FileSystemException) e).getReason())
                        ? "the file store needs a file system with hard links" : describe(e);
                throw StoreException.backend("store '" + storeId + "': cannot link the new image file " + temp + " to "
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
            if (!done && ch != null) { // no channel: the partial file was never created
                try {
                    ch.close();
                } catch (IOException e) {
                    // removing the file below matters more
                }
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException | RuntimeException e) {
                    if (Files.isDirectory(temp.getParent())) {
                        LOG.error("store '{}': could not remove the partial file {} of a failed add: {}", storeId,
                                temp, describe(e));
                    } // else the data directory is gone (replaced by a file, say), and the partial file with it
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
                throw writeFailure(id, temp.getParent(), pos, e);
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

    /** Maps a write-side I/O failure in data directory {@code dir} to glance_store's exceptions. */
    private StoreException writeFailure(String id, Path dir, long written, IOException e) {
        return writeFailure("store '" + storeId + "': writing image " + id + " to " + dir + " failed after "
                + written + " bytes", e);
    }

    /** Maps a write-side I/O failure to glance_store's exceptions; {@code where} says what failed. */
    private StoreException writeFailure(String where, IOException e) {
        String reason = reason(e);
        if (reason.contains("no space left") || reason.contains("file too large")
                || reason.contains("quota exceeded")) {
            return StoreException.storageFull(where + ": " + describe(e)
                    + " (there is not enough space on the storage backend)", e);
        }
        if (e instanceof AccessDeniedException || reason.contains("permission denied")
                || reason.contains("read-only file system") || reason.contains("operation not permitted")) {
            return StoreException.storageWriteDenied(where + ": " + describe(e)
                    + " (permission to write to the storage backend was denied)", e);
        }
        return StoreException.backend(where + ": " + describe(e), e);
    }

    private static String reason(IOException e) {
        String r = e instanceof FileSystemException ? ((FileSystemException) e).getReason() : null;
        String m = e.getMessage();
        return ((r == null ? "" : r) + " " + (m == null ? "" : m)).toLowerCase(Locale.ROOT);
    }

    /**
     * Creates the temporary file exclusively, with the configured mode from the start: the mode
     * is given to open(2), which the umask can only narrow, and set explicitly (before any byte
     * is written) when the umask took away bits the configuration grants.
     */
    private FileChannel createPartialFile(String id, Path temp) {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (config.filePerm() <= 0) {
            try {
                return FileChannel.open(temp, options);
            } catch (IOException e) {
                throw writeFailure(id, temp.getParent(), 0, e);
            }
        }
        Set<PosixFilePermission> mode = filePermissions();
        FileChannel ch;
        try {
            ch = FileChannel.open(temp, options, PosixFilePermissions.asFileAttribute(mode));
        } catch (IOException e) {
            throw writeFailure(id, temp.getParent(), 0, e);
        }
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!view.readAttributes().permissions().equals(mode)) {
                view.setPermissions(mode);
            }
        } catch (IOException | RuntimeException e) {
            // the umask only narrows the mode: the file is at most as readable as configured
            LOG.warn("store '{}': could not set mode {} on {}: {}", storeId, Integer.toOctalString(config.filePerm()),
                    temp, describe(e));
        }
        return ch;
    }

    private Set<PosixFilePermission> filePermissions() {
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
        return set;
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
                    // a directory the first add will create has the free space of the one it goes in
                    Path probe = pending(dir) ? existingAncestor(dir) : dir;
                    free = Math.max(0, Files.getFileStore(probe).getUsableSpace());
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
        throw StoreException.storageFull("store '" + storeId + "': there is not enough disk space for an image of "
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
            throw StoreException.badStoreUri("store '" + storeId + "': image id '" + id + "' cannot be stored: " + problem
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
        Target target = resolve(location);
        FileChannel ch = contained(location, target, "open image file", f -> f.openRead(f.regularFile()));
        try {
            long size = ch.size();
            long start = Math.min(offset, size);
            long len = length < 0 ? size - start : Math.min(length, size - start);
            ChannelImageStream s = new ChannelImageStream(ch, target.file().toString(), start, len, openStreams::remove);
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
            throw StoreException.backend("store '" + storeId + "': cannot read image file " + target.file() + ": "
                    + describe(e), e);
        }
    }

    @Override
    public long size(StoreLocation location) {
        checkOpen();
        return contained(location, resolve(location), "read the size of", f -> f.regularFile().size());
    }

    @Override
    public void delete(StoreLocation location) {
        checkOpen();
        if (writeDisabledReason != null) {
            throw StoreException.storeDeleteNotSupported(writeDisabledReason + "; delete is disabled");
        }
        Target target = resolve(location);
        contained(location, target, "delete", f -> {
            f.regularFile();
            try {
                f.delete();
            } catch (NoSuchFileException e) {
                throw e;
            } catch (IOException e) {
                throw StoreException.forbidden("store '" + storeId + "': You cannot delete file " + target.file() + ": "
                        + describe(e), e);
            }
            return null;
        });
        LOG.debug("store '{}': deleted {}", storeId, target.file());
    }

    /** A location's file: a data directory and the normalised path below it. */
    record Target(Path datadir, Path relative) {
        Path file() {
            return datadir.resolve(relative);
        }
    }

    /** An operation on a file reached through {@link ContainedFile}. */
    private interface ContainedOp<T> {
        T apply(ContainedFile file) throws IOException, ContainedFile.Refusal;
    }

    /**
     * Runs {@code op} on the location's file, reached without following links below the data
     * directory, and maps the outcome: a way out of the directory is BadStoreUri, a missing file
     * or one that is not a regular file is NotFound, any other I/O failure StoreException.
     */
    private <T> T contained(StoreLocation location, Target target, String action, ContainedOp<T> op) {
        try (ContainedFile f = ContainedFile.open(target.datadir(), target.relative())) {
            return op.apply(f);
        } catch (ContainedFile.Refusal r) {
            if (r.outside()) {
                throw outside(location, r.getMessage());
            }
            throw StoreException.notFound("store '" + storeId + "': " + location + " is not an image file: "
                    + r.getMessage());
        } catch (NoSuchFileException e) {
            throw notFound(location);
        } catch (IOException e) {
            throw StoreException.backend("store '" + storeId + "': cannot " + action + " " + target.file() + ": "
                    + describe(e), e);
        }
    }

    /**
     * The data directory and relative path of a location, which must name something strictly
     * inside one of this store's data directories, written without {@code ..}.
     */
    Target resolve(StoreLocation location) {
        FileLocation loc = location instanceof FileLocation ? (FileLocation) location
                : FileLocation.parse(location.uri());
        Path raw;
        try {
            raw = Path.of(loc.path());
        } catch (InvalidPathException e) {
            throw StoreException.badStoreUri("store '" + storeId + "': location " + loc + " is not a valid path: "
                    + e.getReason());
        }
        Path p = raw.normalize();
        if (p.isAbsolute()) {
            for (Datadir d : config.datadirs()) {
                if (p.startsWith(d.path()) && !p.equals(d.path())) {
                    for (Path name : raw) {
                        if (name.toString().equals("..")) {
                            throw outside(loc, "it contains '..'");
                        }
                    }
                    return new Target(d.path(), d.path().relativize(p));
                }
            }
        }
        throw outside(loc, null);
    }

    private StoreException outside(StoreLocation location, String reason) {
        return StoreException.badStoreUri("store '" + storeId + "': location " + location
                + " is not inside this store's data directories " + prefixes + (reason == null ? "" : ": " + reason));
    }

    private StoreException notFound(StoreLocation location) {
        return StoreException.notFound("store '" + storeId + "': image " + location + " not found");
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("store '" + storeId + "' is closed");
        }
    }

    private static final java.util.regex.Pattern PARTIAL_NAME =
            java.util.regex.Pattern.compile("^\\..+\\.stowage-partial-[0-9a-f]{16}$");
    /** Claim file names: {@code .<image id>.stowage-claim}. A partial file's name ends in hex digits. */
    private static final java.util.regex.Pattern CLAIM_NAME = java.util.regex.Pattern.compile("^\\.(.+)\\.stowage-claim$");

    /**
     * What interrupted adds left in any of this store's directories, last modified at least
     * {@code olderThan} ago: temporary files ({@code .<id>.stowage-partial-<hex>}) and claim
     * files ({@code .<id>.stowage-claim}) that no running add holds. Completed images never
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
                    leftover(p, cutoff).ifPresent(out::add);
                }
            } catch (IOException e) {
                throw StoreException.backend("store '" + storeId + "': cannot list " + d.path() + ": " + describe(e), e);
            }
        }
        return out;
    }

    /** {@code p} as a leftover if it is a partial file or an unheld claim file, old enough. */
    private Optional<org.stowage.spi.Leftover> leftover(Path p, java.time.Instant cutoff) throws IOException {
        String name = p.getFileName().toString();
        boolean partial = PARTIAL_NAME.matcher(name).matches();
        java.util.regex.Matcher claim = CLAIM_NAME.matcher(name);
        if (!partial && !claim.matches()) {
            return Optional.empty();
        }
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty(); // its add finished meanwhile
        }
        java.time.Instant since = a.lastModifiedTime().toInstant();
        if (!a.isRegularFile() || since.isAfter(cutoff)) {
            return Optional.empty();
        }
        if (partial) {
            return Optional.of(new org.stowage.spi.Leftover(p.toString(), "partial file of an interrupted add: " + p
                    + " (" + a.size() + " bytes)", since));
        }
        if (ClaimFile.isHeld(p.getParent(), p.getFileName())) {
            return Optional.empty(); // a running add's
        }
        return Optional.of(new org.stowage.spi.Leftover(p.toString(), "claim file of an interrupted add of image "
                + claim.group(1) + ": " + p, since));
    }

    /**
     * Removes a partial file, or a claim file that no running add holds (a held one is refused:
     * removing it would let a second add of that id run at the same time).
     */
    @Override
    public void removeLeftover(org.stowage.spi.Leftover leftover) {
        Path p = Path.of(leftover.id());
        boolean inside = config.datadirs().stream().anyMatch(d -> d.path().equals(p.getParent()));
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        if (inside && PARTIAL_NAME.matcher(name).matches()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                throw StoreException.backend("store '" + storeId + "': cannot remove " + p + ": " + describe(e), e);
            }
        } else if (inside && CLAIM_NAME.matcher(name).matches()) {
            removeClaim(p);
        } else {
            throw StoreException.badStoreUri("store '" + storeId + "': " + p
                    + " is not a partial file or a claim file of this store");
        }
    }

    private void removeClaim(Path p) {
        try {
            Optional<ClaimFile> c = ClaimFile.tryTake(p.getParent(), p.getFileName(), "gc by process "
                    + ProcessHandle.current().pid(), false);
            if (c.isPresent()) {
                c.get().close();
            } else if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw StoreException.backend("store '" + storeId + "': the claim file " + p + " is held by a running "
                        + "add; it was not removed");
            }
        } catch (IOException e) {
            throw StoreException.backend("store '" + storeId + "': cannot remove the claim file " + p + ": "
                    + describe(e), e);
        }
    }

    /** Streams opened by get and not yet closed. */
    int openStreamCount() {
        return openStreams.size();
    }

    @Override
    public void close() {
        closed = true;
        for (ChannelImageStream s : List.copyOf(openStreams)) {
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
