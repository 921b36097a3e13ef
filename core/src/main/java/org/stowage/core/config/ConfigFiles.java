package org.stowage.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.stowage.spi.StoreException;

/**
 * Reads a configuration file into a Typesafe {@link Config} whose top-level keys are sections
 * ({@code DEFAULT}, {@code glance_store}, one per store id) and whose values keep their origin
 * ({@code glance-api.conf:42}).
 *
 * <p>A file whose first non-blank, non-comment line is a {@code [section]} header is read as
 * oslo INI ({@link OsloIni}); anything else as HOCON/JSON. Environment variables
 * {@code STOWAGE__<section>__<option>=value} override either (section and option matched as
 * written, {@code default} meaning {@code DEFAULT}).
 *
 * <p>HOCON {@code include}s read local files only, relative to the including file; a URL or
 * classpath include is an error, so loading a configuration never makes a network call.
 */
public final class ConfigFiles {
    /** Prefix of environment overrides. */
    public static final String ENV_PREFIX = "STOWAGE__";

    private ConfigFiles() {
    }

    /** Loads {@code file}, then applies overrides from the process environment. */
    public static Config load(Path file) {
        return withEnvironment(parseFile(file), System.getenv());
    }

    /**
     * Parses {@code file} as INI or HOCON, without environment overrides. The file, its values and
     * their nesting are bounded ({@link ConfigLimits}): a file beyond a bound is an error naming it
     * and the bound.
     */
    public static Config parseFile(Path file) {
        String text = ConfigText.read(file, "configuration file " + file, ConfigLimits.MAX_FILE_BYTES,
                ConfigLimits.NON_REGULAR_FILE_DEADLINE);
        Path name = file.getFileName();
        return parse(name == null ? file.toString() : name.toString(), text, file.toAbsolutePath().getParent());
    }

    /**
     * Parses configuration text; {@code name} is used in origins and errors. HOCON text can include
     * only files given by absolute path (there is no file to be relative to).
     */
    public static Config parse(String name, String text) {
        return parse(name, text, null);
    }

    /**
     * Parses configuration text read from a file in {@code dir}: HOCON includes are local files,
     * resolved relative to {@code dir} (see {@link LocalFileIncluder}); never a network call.
     */
    static Config parse(String name, String text, Path dir) {
        if (isIni(text)) {
            try (Reader r = new StringReader(text)) {
                return fromIni(OsloIni.parse(name, r));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        HoconLimits.checkNesting(name, text);
        Config unresolved;
        Config resolved;
        try {
            unresolved = ConfigFactory.parseString(text, LocalFileIncluder.options(name, dir, text.length())
                    .setOriginDescription(name).setSyntax(ConfigSyntax.CONF));
            HoconLimits.checkResolvedSize(name, unresolved);
            resolved = unresolved.resolve();
        } catch (ConfigException e) {
            throw StoreException.badStoreConfiguration(name + ": not valid INI or HOCON: " + maskUserInfo(e.getMessage()));
        }
        HoconLimits.checkValues(name, resolved);
        return resolved;
    }

    /**
     * {@code text} with the {@code user:password@} of any URL in it hidden: up to the last {@code @}
     * of the URL, since a password may hold an unencoded {@code /}.
     */
    static String maskUserInfo(String text) {
        return text == null ? null : text.replaceAll("(?<=://)[^\\s\"']*@", "****@");
    }

    /** True if the first non-blank, non-comment line is a {@code [section]} header. */
    public static boolean isIni(String text) {
        int start = 0;
        while (start <= text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl;
            String t = text.substring(start, end).strip();
            if (t.startsWith("\uFEFF")) {
                t = t.substring(1);
            }
            if (!(t.isEmpty() || t.startsWith("#") || t.startsWith(";") || t.startsWith("//"))) {
                return t.startsWith("[") && t.endsWith("]") && t.length() > 2;
            }
            start = end + 1;
        }
        return false;
    }

    /**
     * Converts a parsed INI file to a Config tree, interpolating values as oslo.config does; the
     * interpolated values together may not exceed {@link ConfigLimits#MAX_RESOLVED_CHARS}.
     */
    public static Config fromIni(OsloIni ini) {
        Map<String, Object> root = new LinkedHashMap<>();
        long total = 0;
        for (Map.Entry<String, Map<String, OsloIni.Entry>> sec : ini.sections().entrySet()) {
            Map<String, ConfigValue> options = new LinkedHashMap<>();
            for (Map.Entry<String, OsloIni.Entry> kv : sec.getValue().entrySet()) {
                OsloIni.Entry e = kv.getValue();
                List<String> vals = new ArrayList<>();
                for (int i = 0; i < e.values().size(); i++) {
                    String v = ini.interpolate(sec.getKey(), kv.getKey(), e, i);
                    total += v.length();
                    if (total > ConfigLimits.MAX_RESOLVED_CHARS) {
                        throw StoreException.badStoreConfiguration(ini.fileName() + ":" + e.lines().get(i)
                                + ": its interpolated values ($name references) would make it larger than the "
                                + ConfigLimits.size(ConfigLimits.MAX_RESOLVED_CHARS) + " a configuration may have");
                    }
                    vals.add(v);
                }
                String origin = ini.fileName() + ":" + e.line();
                options.put(kv.getKey(), vals.size() == 1 ? ConfigValueFactory.fromAnyRef(vals.get(0), origin)
                        : ConfigValueFactory.fromIterable(vals, origin));
            }
            root.put(sec.getKey(), ConfigValueFactory.fromMap(options, ini.fileName()));
        }
        return ConfigValueFactory.fromMap(root, ini.fileName()).toConfig();
    }

    /** Applies {@code STOWAGE__<section>__<option>} overrides from {@code env}. */
    public static Config withEnvironment(Config base, Map<String, String> env) {
        Config c = base;
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String k = e.getKey();
            if (!k.startsWith(ENV_PREFIX)) {
                continue;
            }
            String rest = k.substring(ENV_PREFIX.length());
            int sep = rest.indexOf("__");
            if (sep <= 0 || sep + 2 >= rest.length()) {
                throw StoreException.badStoreConfiguration("environment variable " + k
                        + ": expected the form STOWAGE__<section>__<option>");
            }
            String section = rest.substring(0, sep);
            if (section.toUpperCase(Locale.ROOT).equals("DEFAULT")) {
                section = "DEFAULT";
            } else {
                section = section.toLowerCase(Locale.ROOT);
            }
            String option = rest.substring(sep + 2).toLowerCase(Locale.ROOT);
            c = c.withValue(ConfigUtil.joinPath(section, option),
                    ConfigValueFactory.fromAnyRef(e.getValue(), "env " + k));
        }
        return c;
    }
}
