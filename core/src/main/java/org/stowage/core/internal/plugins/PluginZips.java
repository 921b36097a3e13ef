package org.stowage.core.internal.plugins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Expands the plugin zips of a plugins directory, all or nothing: {@code X.zip} is expanded into
 * a hidden temporary directory next to it, every entry checked to stay inside it, a marker
 * ({@value #MARKER}, holding the zip's size and time) written last, and the result renamed to
 * {@code X} in one step. A rejected zip (an entry leaving the directory, a corrupt archive) leaves
 * nothing behind; a directory {@code X} next to {@code X.zip} whose marker is missing or stale (a
 * half-expanded leftover, or an expansion of an older zip) is never used as it is.
 */
final class PluginZips {
    /** Written last into a complete expansion. */
    static final String MARKER = ".stowage-expanded";

    private PluginZips() {
    }

    /** The plugin zips directly in {@code root}. */
    static List<Path> zips(Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.startsWith(".") && n.toLowerCase(Locale.ROOT).endsWith(".zip") && Files.isRegularFile(p)) {
                    out.add(p);
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** The directory a zip expands into. */
    static Path expansionOf(Path zip) {
        String n = zip.getFileName().toString();
        return zip.resolveSibling(n.substring(0, n.length() - ".zip".length()));
    }

    /** True if {@code dir} is the complete expansion of {@code zip} as it is now. */
    static boolean isComplete(Path zip, Path dir) {
        Path marker = dir.resolve(MARKER);
        try {
            return Files.isDirectory(dir) && Files.isRegularFile(marker)
                    && Files.readString(marker, StandardCharsets.UTF_8).equals(stamp(zip));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Expands {@code zip} unless its complete expansion is already there.
     *
     * @throws RejectedPluginException naming the zip and, for an escaping entry, the entry
     */
    static void expand(Path zip) {
        Path dir = expansionOf(zip);
        if (isComplete(zip, dir)) {
            return;
        }
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory(zip.getParent(), "." + dir.getFileName() + ".expanding-");
            extract(zip, tmp);
            Files.writeString(tmp.resolve(MARKER), stamp(zip), StandardCharsets.UTF_8);
            if (Files.exists(dir)) {
                Path old = Files.createTempDirectory(zip.getParent(), "." + dir.getFileName() + ".old-");
                Files.move(dir, old.resolve("x"), StandardCopyOption.ATOMIC_MOVE);
                deleteTree(old);
            }
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (RejectedPluginException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new RejectedPluginException("plugin zip " + zip + " is rejected: it cannot be expanded (" + e
                    + "); nothing of it is loaded");
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    private static void extract(Path zip, Path into) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
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
        }
    }

    /** Size and modification time: a replaced zip is expanded again. */
    private static String stamp(Path zip) throws IOException {
        BasicFileAttributes a = Files.readAttributes(zip, BasicFileAttributes.class);
        return a.size() + ":" + a.lastModifiedTime().toMillis();
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
