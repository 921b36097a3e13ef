package org.stowage.core.internal.plugins;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which plugin of a plugins directory serves which driver type, with a fingerprint of the
 * directory (names, sizes and modification times of every plugin, its descriptor and its jars).
 * Written after a full scan when the directory is packaged ({@link PluginIndexer}); used only
 * while the fingerprint still matches, so adding, removing or replacing a plugin makes the next
 * start scan the whole directory instead.
 */
final class PluginIndex {
    private static final Logger LOG = LoggerFactory.getLogger(PluginIndex.class);

    private final Map<String, Path> types;

    private PluginIndex(Map<String, Path> types) {
        this.types = types;
    }

    Map<String, Path> types() {
        return types;
    }

    /** The plugins serving {@code needed}, or null if some needed type is not in the index. */
    List<Path> pluginsFor(Collection<String> needed) {
        LinkedHashSet<Path> out = new LinkedHashSet<>();
        for (String t : needed) {
            Path p = types.get(t);
            if (p == null) {
                return null;
            }
            out.add(p);
        }
        return new ArrayList<>(out);
    }

    static PluginIndex read(Path root) {
        Path f = root.resolve(DriverRegistry.INDEX);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        if (!fingerprint(root).equals(p.getProperty("fingerprint"))) {
            LOG.debug("{} no longer matches the plugins in {}; scanning every plugin", f, root);
            return null;
        }
        Map<String, Path> types = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith("type.")) {
                Path plugin = root.resolve(p.getProperty(k)).normalize();
                if (!isInside(root, plugin) || Files.isDirectory(plugin) && PluginZips.hasZipBeside(plugin)) {
                    LOG.warn("ignoring {}: its entry {} = {} is not a plugin inside the plugins directory {};"
                            + " scanning the directory instead", f, k, p.getProperty(k), root);
                    return null;
                }
                types.put(k.substring(5), plugin);
            }
        }
        return new PluginIndex(types);
    }

    /**
     * True if {@code plugin}, on its real path (links resolved), is an entry directly in the real
     * plugins directory {@code root}: only code there is ever loaded.
     */
    static boolean isInside(Path root, Path plugin) {
        try {
            Path real = plugin.toRealPath();
            return real.getParent() != null && real.getParent().equals(root.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes the index of {@code root} (published by a rename once complete); returns its path. */
    static Path write(Path root, Map<String, Path> types) throws IOException {
        Properties p = new Properties();
        types.forEach((t, path) -> p.setProperty("type." + t, root.relativize(path.toAbsolutePath()).toString()));
        Path f = root.resolve(DriverRegistry.INDEX);
        Path tmp = root.resolve(DriverRegistry.INDEX + ".tmp");
        p.setProperty("fingerprint", fingerprint(root));
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "which plugin serves which driver type; made when the plugins directory was packaged");
        }
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return f;
    }

    /**
     * Names of everything in the plugins directory, two levels deep (lib/ jars included), with the
     * sizes and times of the files (not of directories: writing the index changes the root's time).
     */
    static String fingerprint(Path root) {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.walk(root, 3)) {
            s.filter(x -> !x.equals(root) && !x.getFileName().toString().startsWith(DriverRegistry.INDEX)).sorted().forEach(x -> {
                try {
                    BasicFileAttributes a = Files.readAttributes(x, BasicFileAttributes.class);
                    sb.append(root.relativize(x));
                    if (a.isRegularFile()) {
                        sb.append(':').append(a.size()).append(':').append(a.lastModifiedTime().toMillis());
                    }
                    sb.append(';');
                } catch (IOException e) {
                    sb.append(x).append(":?;");
                }
            });
        } catch (IOException e) {
            return "unreadable";
        }
        return Integer.toHexString(sb.toString().hashCode()) + "-" + sb.length();
    }
}
