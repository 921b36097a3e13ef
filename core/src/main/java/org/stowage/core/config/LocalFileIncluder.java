package org.stowage.core.config;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.stowage.spi.StoreException;

/**
 * The only HOCON includer a Stowage configuration gets: local files, resolved relative to the
 * including file. Loading a configuration never makes a network call, so {@code include url(...)}
 * (and a plain {@code include "http://..."}) is refused; {@code include classpath(...)} too, since
 * what it reads depends on the jars installed rather than on the operator's files. Typesafe
 * Config's own includer would fetch URLs, fall back to the classpath for missing files and resolve
 * relative names against the process's working directory or classpath.
 */
final class LocalFileIncluder implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL, ConfigIncluderClasspath {
    private static final String EXPECTED = "expected include file(\"...\") or include \"name.conf\", a local file "
            + "resolved next to the including file";

    private final String including;
    private final Path dir;
    private final Budget budget;
    private final int depth;

    /** What the files of one configuration may still read, shared by all its includes. */
    private static final class Budget {
        private long remainingBytes;

        Budget(long remainingBytes) {
            this.remainingBytes = remainingBytes;
        }
    }

    private LocalFileIncluder(String including, Path dir, Budget budget, int depth) {
        this.including = including;
        this.dir = dir;
        this.budget = budget;
        this.depth = depth;
    }

    /**
     * Parse options for a file (or text named {@code including}) whose includes this class
     * resolves: relative to {@code dir} (null for text that has no file: then only absolute paths
     * work), the included files together reading at most what {@code alreadyRead} characters
     * leave of {@link ConfigLimits#MAX_FILE_BYTES}.
     */
    static ConfigParseOptions options(String including, Path dir, long alreadyRead) {
        return ConfigParseOptions.defaults().setIncluder(new LocalFileIncluder(including, dir,
                new Budget(ConfigLimits.MAX_FILE_BYTES - alreadyRead), 0));
    }

    @Override
    public ConfigIncluder withFallback(ConfigIncluder fallback) {
        return this; // never Typesafe's default includer: it would fetch URLs
    }

    @Override
    public ConfigObject include(ConfigIncludeContext context, String what) {
        if (hasScheme(what)) {
            throw refused("include \"" + ConfigFiles.maskUserInfo(what) + "\"");
        }
        return includeFile(context, new File(what));
    }

    @Override
    public ConfigObject includeURL(ConfigIncludeContext context, URL url) {
        throw refused("include url(" + ConfigFiles.maskUserInfo(url.toString()) + ")");
    }

    @Override
    public ConfigObject includeResources(ConfigIncludeContext context, String what) {
        throw StoreException.badStoreConfiguration(including + ": include classpath(" + what + "): classpath includes are "
                + "not allowed; " + EXPECTED);
    }

    @Override
    public ConfigObject includeFile(ConfigIncludeContext context, File file) {
        Path p = file.toPath();
        if (!p.isAbsolute()) {
            if (dir == null) {
                throw StoreException.badStoreConfiguration(including + ": include of '" + file + "': a relative include "
                        + "needs the including file's directory, and this configuration was given as text: expected "
                        + "an absolute path");
            }
            p = dir.resolve(p);
        }
        p = p.normalize();
        if (depth >= ConfigLimits.MAX_INCLUDE_DEPTH) {
            throw StoreException.badStoreConfiguration(including + ": include of '" + p + "': includes are nested deeper "
                    + "than the " + ConfigLimits.MAX_INCLUDE_DEPTH + " levels a configuration may have (an include cycle?)");
        }
        if (!Files.exists(p) && context.parseOptions().getAllowMissing()) {
            return ConfigFactory.empty(p.toString()).root();
        }
        String text = ConfigText.read(p, "configuration file " + p + " (included by " + including + ")",
                budget.remainingBytes, "what remains of the " + ConfigLimits.size(ConfigLimits.MAX_FILE_BYTES)
                        + " a configuration with its includes may have", ConfigLimits.NON_REGULAR_FILE_DEADLINE);
        budget.remainingBytes -= text.length();
        HoconLimits.checkNesting(p.toString(), text);
        ConfigParseOptions nested = context.parseOptions().setOriginDescription(p.toString())
                .setSyntax(syntaxOf(p)).setIncluder(new LocalFileIncluder(p.toString(), p.getParent(), budget, depth + 1));
        return ConfigFactory.parseString(text, nested).root();
    }

    /** As Typesafe Config reads files: by their extension, HOCON when it is neither .json nor .properties. */
    private static ConfigSyntax syntaxOf(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".json") ? ConfigSyntax.JSON : n.endsWith(".properties") ? ConfigSyntax.PROPERTIES
                : ConfigSyntax.CONF;
    }

    private StoreException refused(String include) {
        return StoreException.badStoreConfiguration(including + ": " + include + ": network includes are not allowed "
                + "(loading a configuration never makes a network call); " + EXPECTED);
    }

    /** A scheme such as {@code http:} (two letters at least, so that {@code C:} stays a path). */
    private static boolean hasScheme(String what) {
        return what.matches("(?s)[A-Za-z][A-Za-z0-9+.-]+:.*");
    }

}
