package org.stowage.core.internal.plugins;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.pf4j.PluginRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins of a plugins directory, in place of PF4J's repositories: plugin jars and plugin
 * directories directly in it, and its plugin zips expanded all or nothing ({@link PluginZips}).
 * Only code inside the directory is offered: an entry whose real path leaves it (a symbolic link to
 * elsewhere) is skipped, and so is a directory next to its zip that is not the zip's complete
 * expansion. Each skipped plugin is reported in {@link #problems()} and logged.
 */
final class ContainedPluginRepository implements PluginRepository {
    private static final Logger LOG = LoggerFactory.getLogger(ContainedPluginRepository.class);

    private final Supplier<List<Path>> roots;
    private final List<String> problems = new ArrayList<>();

    /** {@code roots} is read when plugins are listed (PF4J creates repositories before its roots are known). */
    ContainedPluginRepository(Supplier<List<Path>> roots) {
        this.roots = roots;
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

    private List<Path> pluginsIn(Path root) throws IOException {
        for (Path zip : PluginZips.zips(root)) {
            try {
                PluginZips.expand(zip);
            } catch (PluginZips.RejectedPluginException e) {
                problem(e.getMessage());
            }
        }
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                if (isPluginCandidate(p) && isUsable(root, p)) {
                    out.add(p);
                }
            }
        }
        out.sort(null);
        return out;
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
        Path zip = p.resolveSibling(p.getFileName() + ".zip");
        if (Files.isDirectory(p) && Files.isRegularFile(zip) && !PluginZips.isComplete(zip, p)) {
            problem("plugin directory " + p + " is not loaded: it is not the complete expansion of " + zip
                    + " (a leftover of an interrupted or rejected expansion); remove it");
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
