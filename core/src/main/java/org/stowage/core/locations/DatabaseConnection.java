package org.stowage.core.locations;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.stowage.core.config.StowageConfig;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreException;

/**
 * Where Glance's database is: a JDBC URL (without credentials) and the user and password, taken
 * from Glance's own {@code [database] connection} (an SQLAlchemy URL) so that a command reading
 * {@code glance-api.conf} finds the database Glance uses without being told twice.
 *
 * <p>The URL is taken apart with SQLAlchemy's own pattern ({@code sqlalchemy.engine.url}), the
 * user and password percent-decoded as SQLAlchemy does, and mapped by dialect, whatever the
 * Python driver after {@code +}:
 * <ul>
 *   <li>{@code sqlite:////abs/path} and {@code sqlite:///relative/path} (relative to the working
 *       directory, as SQLAlchemy resolves it) to {@code jdbc:sqlite:/abs/path}; the file must exist;</li>
 *   <li>{@code mysql[+driver]://} and {@code mariadb[+driver]://} to {@code jdbc:mariadb://}
 *       ({@code charset} and {@code plugin} need nothing: the JDBC driver always speaks UTF-8;
 *       {@code unix_socket} becomes {@code localSocket});</li>
 *   <li>{@code postgresql[+driver]://} to {@code jdbc:postgresql://} ({@code sslmode} kept,
 *       {@code connect_timeout} as {@code connectTimeout}, {@code client_encoding} needs nothing).</li>
 * </ul>
 * Anything else is refused naming the option, the value with its password masked, and what is
 * supported. Neither the password nor the URL holding it is ever shown: {@link #toString} and
 * {@link #describe} mask it.
 */
public final class DatabaseConnection {
    /** The section and option Glance reads its database from. */
    public static final String SECTION = "database";
    public static final String OPTION = "connection";
    /** SQLAlchemy's URL pattern (sqlalchemy/engine/url.py, {@code _parse_url}). */
    private static final Pattern SQLALCHEMY_URL = Pattern.compile("(?<name>[\\w+]+)://"
            + "(?:(?<username>[^:/]*)(?::(?<password>[^@]*))?@)?"
            + "(?:(?:\\[(?<ipv6host>[^/?]+)]|(?<ipv4host>[^/:?]+))?(?::(?<port>[^/?]*))?)?"
            + "(?:/(?<database>[^?]*))?(?:\\?(?<query>.*))?", Pattern.DOTALL);
    private static final String SUPPORTED = "expected sqlite:////absolute/path, mysql+pymysql://user:password@host/glance"
            + " (mysql or mariadb, any driver) or postgresql://user:password@host/glance (any driver), "
            + "or pass --glance-db with a JDBC URL";

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String origin;

    private DatabaseConnection(String jdbcUrl, String user, String password, String origin) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.origin = origin;
    }

    /** A JDBC URL as given (credentials in it are taken out when it is opened). */
    public static DatabaseConnection ofJdbc(String jdbcUrl) {
        return new DatabaseConnection(jdbcUrl, null, null, null);
    }

    /**
     * The database of the configuration's {@code [database] connection}, if set and not empty.
     *
     * @throws StoreException of kind BadStoreConfiguration naming the option, its origin, the
     *         masked value and what is supported
     */
    public static Optional<DatabaseConnection> fromConfig(StowageConfig config, Path workingDirectory) {
        Setting s = config.section(SECTION).get(OPTION);
        if (s == null || s.value().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(fromSqlAlchemy(s.value().strip(), s.origin(), workingDirectory));
    }

    /**
     * Maps an SQLAlchemy URL.
     *
     * @param origin where the value was read, for messages ({@code glance-api.conf:12})
     */
    public static DatabaseConnection fromSqlAlchemy(String url, String origin, Path workingDirectory) {
        Matcher m = SQLALCHEMY_URL.matcher(url);
        if (!m.matches()) {
            throw refused(url, origin, "not an SQLAlchemy URL (dialect[+driver]://user:password@host:port/database)");
        }
        String name = m.group("name").toLowerCase(Locale.ROOT);
        String dialect = name.contains("+") ? name.substring(0, name.indexOf('+')) : name;
        String host = m.group("ipv6host") != null ? "[" + m.group("ipv6host") + "]" : m.group("ipv4host");
        if (host != null && host.contains("@")) {
            throw refused(url, origin, "the password holds an unencoded '@': percent-encode it as %40, as SQLAlchemy requires");
        }
        String port = m.group("port");
        Map<String, String> query = query(m.group("query"), url, origin);
        String user = unquote(m.group("username"));
        String password = unquote(m.group("password"));
        String jdbc = switch (dialect) {
            case "sqlite" -> sqlite(m.group("database"), host, query, url, origin, workingDirectory);
            case "mysql", "mariadb" -> server("mariadb", host, port, m.group("database"),
                    mariadbParameters(query, url, origin), url, origin);
            case "postgresql" -> server("postgresql", host, port, m.group("database"),
                    postgresqlParameters(query, url, origin), url, origin);
            default -> throw refused(url, origin, "dialect '" + dialect + "' is not supported");
        };
        return new DatabaseConnection(jdbc, user == null || user.isEmpty() ? null : user, password,
                "[" + SECTION + "] " + OPTION + " (" + origin + ")");
    }

    private static String sqlite(String database, String host, Map<String, String> query, String url, String origin,
            Path workingDirectory) {
        if (host != null && !host.isEmpty()) {
            throw refused(url, origin, "an sqlite URL has no host: expected sqlite:////absolute/path");
        }
        if (database == null || database.isEmpty() || database.equals(":memory:")) {
            throw refused(url, origin, "an in-memory SQLite database holds no images: expected sqlite:////absolute/path");
        }
        if (!query.isEmpty()) {
            throw refused(url, origin, "sqlite parameters " + query.keySet() + " are not supported");
        }
        Path file = workingDirectory.resolve(database).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw refused(url, origin, "the SQLite database " + file + " does not exist"
                    + (Path.of(database).isAbsolute() ? "" : " (a relative path is resolved against the working directory "
                            + workingDirectory.toAbsolutePath() + ", as SQLAlchemy does)"));
        }
        return "jdbc:sqlite:" + file;
    }

    private static String server(String jdbcName, String host, String port, String database,
            Map<String, String> parameters, String url, String origin) {
        if (database == null || database.isEmpty()) {
            throw refused(url, origin, "no database name: expected " + jdbcName + "://user:password@host/glance");
        }
        if (port != null && !port.matches("\\d{1,5}")) {
            throw refused(url, origin, "port '" + port + "' is not a number");
        }
        StringBuilder b = new StringBuilder("jdbc:").append(jdbcName).append("://")
                .append(host == null || host.isEmpty() ? "localhost" : host);
        if (port != null && !port.isEmpty()) {
            b.append(':').append(port);
        }
        b.append('/').append(database);
        String sep = "?";
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            b.append(sep).append(p.getKey()).append('=').append(p.getValue());
            sep = "&";
        }
        return b.toString();
    }

    private static Map<String, String> mariadbParameters(Map<String, String> query, String url, String origin) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> q : query.entrySet()) {
            switch (q.getKey()) {
                case "charset", "plugin" -> {
                    // the JDBC driver always speaks UTF-8; an SQLAlchemy plugin changes no data
                }
                case "unix_socket" -> out.put("localSocket", q.getValue());
                default -> throw refused(url, origin, "parameter '" + q.getKey() + "' is not supported for mysql "
                        + "(supported: charset, plugin, unix_socket)");
            }
        }
        return out;
    }

    private static Map<String, String> postgresqlParameters(Map<String, String> query, String url, String origin) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> q : query.entrySet()) {
            switch (q.getKey()) {
                case "client_encoding" -> {
                    // the JDBC driver always speaks UTF-8
                }
                case "sslmode" -> out.put("sslmode", q.getValue());
                case "connect_timeout" -> out.put("connectTimeout", q.getValue());
                default -> throw refused(url, origin, "parameter '" + q.getKey() + "' is not supported for postgresql "
                        + "(supported: sslmode, connect_timeout, client_encoding)");
            }
        }
        return out;
    }

    /** The query as Python's {@code parse_qsl} reads it (a repeated key: the last value). */
    private static Map<String, String> query(String query, String url, String origin) {
        Map<String, String> out = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return out;
        }
        for (String pair : query.split("[&;]")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String value = eq < 0 ? "" : unquote(pair.substring(eq + 1).replace('+', ' '));
            if (!value.matches("[\\w./:@-]*")) {
                throw refused(url, origin, "the value of parameter '" + unquote(eq < 0 ? pair : pair.substring(0, eq))
                        + "' holds characters a JDBC URL cannot carry");
            }
            out.put(unquote((eq < 0 ? pair : pair.substring(0, eq)).replace('+', ' ')), value);
        }
        return out;
    }

    private static String unquote(String s) {
        return JdbcUrl.decode(s);
    }

    private static StoreException refused(String url, String origin, String reason) {
        return StoreException.badStoreConfiguration(origin + ": option [" + SECTION + "] " + OPTION + " = '" + masked(url)
                + "': " + reason + "; " + SUPPORTED);
    }

    /**
     * The URL with its password masked, whatever form it has: everything between the first
     * {@code :} after the scheme and the last {@code @} (a password with an unencoded {@code @}
     * included), and any {@code password=} parameter.
     */
    static String masked(String url) {
        int start = url.indexOf("://") < 0 ? 0 : url.indexOf("://") + 3;
        int colon = url.indexOf(':', start);
        int at = url.lastIndexOf('@');
        String s = colon >= 0 && at > colon ? url.substring(0, colon + 1) + "****" + url.substring(at) : url;
        return JdbcUrl.of(s, null, null).scrub(s);
    }

    /** The JDBC URL, without credentials. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    /** What the connection is and where it came from, the password masked. */
    public String describe() {
        String shown = JdbcUrl.of(jdbcUrl, user, password).scrub(jdbcUrl);
        return shown + (user == null ? "" : " as " + user) + (origin == null ? "" : " (from " + origin + ")");
    }

    @Override
    public String toString() {
        return describe();
    }
}
