package org.stowage.core.internal.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Expands the plugin zips of a plugins directory into a per-user cache, never into the plugins
 * directory itself (an installation may be read-only, and is never written at run time):
 * {@code X.zip} goes to {@code <cache>/X-<its SHA-256, 32 hex digits>}, so two versions of a zip
 * never share a directory. The expansion is all or nothing: made in a hidden temporary directory
 * of the cache, every entry checked to stay inside it, a marker ({@value #MARKER}, holding the
 * zip's whole hash) written last, and renamed into place in one step. Of two processes expanding
 * the same zip at once, one rename wins and both use its result. A rejected zip (an entry leaving
 * the directory, a corrupt archive, a zip changed while it was read) leaves nothing behind; a
 * directory without the marker is never used.
 */
final class PluginZips {
    /** Written last into a complete expansion. */
    static final String MARKER = ".stowage-expanded";
    /** Hex digits of the hash in an expansion's name. */
    private static final int NAME_HASH_DIGITS = 32;
    /** A temporary directory this old is the leftover of an interrupted expansion. */
    private static final Duration ABANDONED = Duration.ofHours(1);

    private PluginZips() {
    }

    /**
     * The cache the zips are expanded into: {@code $XDG_CACHE_HOME/stowage/plugins}, or
     * {@code ~/.cache/stowage/plugins} when that is unset, empty or relative.
     */
    static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("stowage").resolve("plugins");
    }

    /** The plugin zips directly in {@code root}. */
    static List<Path> zips(Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                if (isZip(p) && Files.isRegularFile(p)) {
                    out.add(p);
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** True for the name of a plugin zip ({@code *.zip}, not hidden). */
    static boolean isZip(Path p) {
        String n = p.getFileName().toString();
        return !n.startsWith(".") && n.toLowerCase(Locale.ROOT).endsWith(".zip");
    }

    /** True if {@code dir} has a zip of its name next to it ({@code X} and {@code X.zip}). */
    static boolean hasZipBeside(Path dir) {
        return Files.isRegularFile(dir.resolveSibling(dir.getFileName() + ".zip"));
    }

    /**
     * The complete expansion of {@code zip} in {@code cache}, made now unless it is there already.
     *
     * @throws RejectedPluginException naming the zip and why (an escaping entry, a corrupt archive,
     *                                 a cache that cannot be written)
     */
    static Path expand(Path zip, Path cache) {
        Path tmp = null;
        try {
            String hash = sha256(zip);
            Path dir = cache.resolve(baseName(zip) + "-" + hash.substring(0, NAME_HASH_DIGITS));
            if (isComplete(dir, hash)) {
                return dir;
            }
            createPrivateDirectories(cache);
            removeAbandoned(cache, dir);
            tmp = Files.createTempDirectory(cache, "." + dir.getFileName() + ".expanding-");
            String extracted = extract(zip, tmp);
            if (!extracted.equals(hash)) {
                throw new IOException("the zip changed while it was being expanded");
            }
            Files.writeString(tmp.resolve(MARKER), hash, StandardCharsets.UTF_8);
            publish(tmp, dir, hash);
            tmp = null;
            return dir;
        } catch (RejectedPluginException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new RejectedPluginException("plugin zip " + zip + " is rejected: it cannot be expanded into "
                    + cache + " (" + e + "); nothing of it is loaded");
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    /**
     * Renames the finished {@code tmp} to {@code dir}. If another process got there first, its
     * expansion is used; a directory of that name that is not a complete expansion (never made by
     * a rename from here, so tampered with) is set aside and removed, never used.
     */
    private static void publish(Path tmp, Path dir, String hash) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                return;
            } catch (IOException e) {
                if (isComplete(dir, hash)) {
                    deleteTree(tmp);
                    return;
                }
                if (attempt == 3 || !Files.exists(dir)) {
                    throw e;
                }
            }
            Path aside = Files.createTempDirectory(dir.getParent(), "." + dir.getFileName() + ".expanding-");
            try {
                Files.move(dir, aside.resolve("set-aside"), StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                // another process set it aside first
            }
            deleteTree(aside);
        }
    }

    /** True if {@code dir} is a complete expansion of the zip whose SHA-256 is {@code hash}. */
    static boolean isComplete(Path dir, String hash) {
        Path marker = dir.resolve(MARKER);
        try {
            return Files.isDirectory(dir) && Files.isRegularFile(marker)
                    && Files.readString(marker, StandardCharsets.UTF_8).equals(hash);
        } catch (IOException e) {
            return false;
        }
    }

    /** Extracts {@code zip} into {@code into}; returns the SHA-256 of the bytes read (the whole zip). */
    private static String extract(Path zip, Path into) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream file = new DigestInputStream(Files.newInputStream(zip), digest);
                ZipInputStream in = new ZipInputStream(file)) {
            ZipEntry e;
            int entries = 0;
            while ((e = in.getNextEntry()) != null) {
                entries++;
                Path target = into.resolve(e.getName()).normalize();
                if (e.getName().isEmpty() || !target.startsWith(into) || target.equals(into)
                        || target.getFileName().toString().equals(MARKER)) {
                    throw new RejectedPluginException("plugin zip " + zip + " is rejected: entry '" + e.getName()
                            + "' would be written outside the plugin's directory; nothing of it is loaded or kept");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target);
                }
            }
            if (entries == 0) {
                throw new IOException("no entries: not a zip archive, or an empty one");
            }
            file.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String sha256(Path zip) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(zip), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    private static String baseName(Path zip) {
        String n = zip.getFileName().toString();
        return n.substring(0, n.length() - ".zip".length());
    }

    /** Creates {@code dir} and its missing parents, private to this user where the file system has permissions. */
    private static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
    }

    /**
     * Removes temporary directories of {@code dir}'s expansion that an interrupted process left long
     * ago; best effort (another process may be removing them too).
     */
    private static void removeAbandoned(Path cache, Path dir) {
        FileTime before = FileTime.from(Instant.now().minus(ABANDONED));
        String prefix = "." + dir.getFileName() + ".expanding-";
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(cache)) {
            for (Path p : ds) {
                if (p.getFileName().toString().startsWith(prefix) && Files.getLastModifiedTime(p).compareTo(before) < 0) {
                    deleteTree(p);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // left for a later start: such a directory is never loaded
        }
    }

    static void deleteTree(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(x);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + p, e);
        }
    }

    /** A plugin that is not loaded, and why. */
    static final class RejectedPluginException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RejectedPluginException(String message) {
            super(message);
        }
    }
}
