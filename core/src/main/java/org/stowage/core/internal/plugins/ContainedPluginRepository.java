package org.stowage.core.internal.plugins;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.pf4j.PluginRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins of a plugins directory, in place of PF4J's repositories: plugin jars and plugin
 * directories directly in it, and its plugin zips, expanded all or nothing into the per-user cache
 * ({@link PluginZips}): nothing is ever written into the plugins directory. Only code inside the
 * directory is offered: an entry whose real path leaves it (a symbolic link to elsewhere) is
 * skipped, and so is a directory {@code X} next to a zip {@code X.zip} (the zip is the plugin; the
 * directory is what an older version expanded in place). Each skipped plugin is reported in
 * {@link #problems()} and logged.
 */
final class ContainedPluginRepository implements PluginRepository {
    private static final Logger LOG = LoggerFactory.getLogger(ContainedPluginRepository.class);

    private final Supplier<List<Path>> roots;
    private final Supplier<Path> zipCache;
    private final List<String> problems = new ArrayList<>();
    /** Each expansion in the cache, and the zip of the plugins directory it came from. */
    private final Map<Path, Path> zipOf = new ConcurrentHashMap<>();

    /**
     * {@code roots} and {@code zipCache} are read when plugins are listed (PF4J creates
     * repositories before its roots are known).
     */
    ContainedPluginRepository(Supplier<List<Path>> roots, Supplier<Path> zipCache) {
        this.roots = roots;
        this.zipCache = zipCache;
    }

    /** Why plugins were not offered. */
    List<String> problems() {
        return List.copyOf(problems);
    }

    @Override
    public List<Path> getPluginPaths() {
        List<Path> out = new ArrayList<>();
        for (Path root : roots.get()) {
            try {
                out.addAll(pluginsIn(root));
            } catch (IOException e) {
                problem("plugins directory " + root + " cannot be read: " + DriverProbe.reason(e));
            }
        }
        return out;
    }

    /**
     * The path to load for {@code plugin}, an entry of a plugins directory (as its index names
     * it): a zip's expansion in the cache, else the entry itself; null (a problem reported) for a
     * zip that is rejected.
     */
    Path loadable(Path plugin) {
        return Files.isRegularFile(plugin) && PluginZips.isZip(plugin) ? expanded(plugin) : plugin;
    }

    /** The entry of the plugins directory a loaded plugin came from: its zip, or the path itself. */
    Path origin(Path pluginPath) {
        return zipOf.getOrDefault(pluginPath, pluginPath);
    }

    private List<Path> pluginsIn(Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path zip : PluginZips.zips(root)) {
            if (!PluginIndex.isInside(root, zip)) {
                problem("plugin zip " + zip + " is not loaded: its real path is outside the plugins directory " + root);
                continue;
            }
            Path dir = expanded(zip);
            if (dir != null) {
                out.add(dir);
            }
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                if (isPluginCandidate(p) && isUsable(root, p)) {
                    out.add(p);
                }
            }
        }
        out.sort(Comparator.comparing(this::origin));
        return out;
    }

    private Path expanded(Path zip) {
        try {
            Path dir = PluginZips.expand(zip, zipCache.get());
            zipOf.put(dir, zip);
            return dir;
        } catch (PluginZips.RejectedPluginException e) {
            problem(e.getMessage());
            return null;
        }
    }

    private static boolean isPluginCandidate(Path p) {
        String n = p.getFileName().toString();
        return !n.startsWith(".") && (Files.isDirectory(p) || n.toLowerCase(Locale.ROOT).endsWith(".jar"));
    }

    private boolean isUsable(Path root, Path p) {
        if (!PluginIndex.isInside(root, p)) {
            problem("plugin " + p + " is not loaded: its real path is outside the plugins directory " + root);
            return false;
        }
        if (Files.isDirectory(p) && PluginZips.hasZipBeside(p)) {
            problem("plugin directory " + p + " is not loaded: " + p.getFileName() + ".zip next to it is the plugin "
                    + "(expanded into " + zipCache.get() + "); the directory is a leftover of an expansion in place "
                    + "by an older version: remove it");
            return false;
        }
        return true;
    }

    private void problem(String message) {
        problems.add(message);
        LOG.warn("{}", message);
    }

    @Override
    public boolean deletePluginPath(Path pluginPath) {
        if (!Files.exists(pluginPath)) {
            return false;
        }
        PluginZips.deleteTree(pluginPath);
        return true;
    }
}
