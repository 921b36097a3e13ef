package org.stowage.core.config;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import java.io.File;
import java.net.URL;
import java.nio.file.Path;
import org.stowage.spi.BadStoreConfigurationException;

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

    /**
     * @param including the including file's name, for errors
     * @param dir       its directory, or null for text that has no file (then only absolute paths work)
     */
    LocalFileIncluder(String including, Path dir) {
        this.including = including;
        this.dir = dir;
    }

    /** Parse options for a file (or text named {@code including}) whose includes this class resolves. */
    static ConfigParseOptions options(String including, Path dir) {
        return ConfigParseOptions.defaults().setIncluder(new LocalFileIncluder(including, dir));
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
        throw new BadStoreConfigurationException(including + ": include classpath(" + what + "): classpath includes are "
                + "not allowed; " + EXPECTED);
    }

    @Override
    public ConfigObject includeFile(ConfigIncludeContext context, File file) {
        Path p = file.toPath();
        if (!p.isAbsolute()) {
            if (dir == null) {
                throw new BadStoreConfigurationException(including + ": include of '" + file + "': a relative include "
                        + "needs the including file's directory, and this configuration was given as text: expected "
                        + "an absolute path");
            }
            p = dir.resolve(p);
        }
        p = p.normalize();
        ConfigParseOptions nested = context.parseOptions().setSyntax(null).setOriginDescription(null)
                .setIncluder(new LocalFileIncluder(p.toString(), p.getParent()));
        return ConfigFactory.parseFile(p.toFile(), nested).root();
    }

    private BadStoreConfigurationException refused(String include) {
        return new BadStoreConfigurationException(including + ": " + include + ": network includes are not allowed "
                + "(loading a configuration never makes a network call); " + EXPECTED);
    }

    /** A scheme such as {@code http:} (two letters at least, so that {@code C:} stays a path). */
    private static boolean hasScheme(String what) {
        return what.matches("(?s)[A-Za-z][A-Za-z0-9+.-]+:.*");
    }

}
