package org.stowage.core.locations;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JDBC URL with its credentials taken out, and the masking of those credentials in any text.
 *
 * <p>A URL may carry {@code user:password@} before the host, as Glance's own connection string
 * does ({@code mysql+pymysql://glance:PASS@db/glance}); percent-escapes in it are decoded as
 * SQLAlchemy does. Neither the MariaDB nor the PostgreSQL driver understands that form: given the
 * whole URL, they read the password as part of the host or port and echo it in their errors
 * ({@code Incorrect port value : PASS@db}). So the user and password go to the driver as
 * connection properties and the driver only ever sees the URL without them. Whatever a driver
 * says is still passed through {@link #scrub} before it reaches a message, a log or a cause.
 *
 * @param url      the URL handed to the driver (no user-info)
 * @param user     the user, or null
 * @param password the password, or null
 * @param secrets  every form of every password known (user-info, {@code password=} parameters,
 *                 the one given apart), longest first
 */
record JdbcUrl(String url, String user, String password, List<String> secrets) {
    private static final String MASK = "****";
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)([^&;\\s]*)");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@\\s]*:)[^@\\s]*@");
    private static final Pattern HOST_AND_AFTER = Pattern.compile("[A-Za-z0-9._\\-\\[\\]]+(:[^/?@]*)?([/?][^@]*)?");
    private static final Pattern PATH_WITH_QUERY = Pattern.compile("/[^?]*\\?[^=]*=");

    JdbcUrl {
        secrets = List.copyOf(secrets);
    }

    /**
     * Takes a URL apart; {@code user} and {@code password}, each when given, win over the URL's.
     */
    static JdbcUrl of(String raw, String user, String password) {
        List<String> secrets = new ArrayList<>();
        addSecret(secrets, password);
        Matcher params = PASSWORD_PARAMETER.matcher(raw);
        while (params.find()) {
            addSecret(secrets, params.group(2));
            addSecret(secrets, decode(params.group(2)));
        }
        int start = raw.indexOf("://");
        String rest = start < 0 ? "" : raw.substring(start + 3);
        int at = userInfoEnd(rest);
        addPieces(secrets, at >= 0 ? rest.substring(0, at) : rest.substring(0, Math.max(0, rest.lastIndexOf('@'))));
        if (at < 0) {
            return new JdbcUrl(raw, user, password, longestFirst(secrets));
        }
        String userInfo = rest.substring(0, at);
        int colon = userInfo.indexOf(':');
        String urlUser = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
        String urlPassword = colon < 0 ? null : userInfo.substring(colon + 1);
        addSecret(secrets, urlPassword);
        addSecret(secrets, decode(urlPassword));
        String bare = raw.substring(0, start + 3) + rest.substring(at + 1);
        return new JdbcUrl(bare, user != null ? user : urlUser.isEmpty() ? null : urlUser,
                password != null ? password : urlPassword == null ? null : decode(urlPassword), longestFirst(secrets));
    }

    /**
     * Where the user-info ends (its {@code @}) in the part after {@code //}, or -1. A password may
     * hold {@code @}, {@code /} or {@code ?} unencoded, so this is the last {@code @} followed by
     * a host, an optional port (checked by the driver) and then only a path or query without
     * {@code @}, unless what comes before it reads as a path with a query ({@code /db?user=a@b}
     * is no user-info).
     */
    private static int userInfoEnd(String rest) {
        for (int at = rest.lastIndexOf('@'); at >= 0; at = rest.lastIndexOf('@', at - 1)) {
            if (HOST_AND_AFTER.matcher(rest.substring(at + 1)).matches()
                    && !PATH_WITH_QUERY.matcher(rest.substring(0, at)).find()) {
                return at;
            }
        }
        return -1;
    }

    /**
     * Should the URL be read differently by a driver than here, the pieces of whatever could be
     * a password (after the user's {@code :}) are masked as well: a driver may echo any of them
     * as a host, a port or a database name.
     */
    private static void addPieces(List<String> secrets, String userInfo) {
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
            return;
        }
        for (String piece : userInfo.substring(colon + 1).split("[/?#@:&=;]")) {
            if (piece.length() >= 4) {
                addSecret(secrets, piece);
            }
        }
    }

    private static List<String> longestFirst(List<String> secrets) {
        secrets.sort(Comparator.comparingInt(String::length).reversed());
        return secrets;
    }

    private static void addSecret(List<String> secrets, String s) {
        if (s != null && !s.isEmpty() && !secrets.contains(s)) {
            secrets.add(s);
        }
    }

    /** Decodes {@code %XX} escapes; anything else, a lone {@code %} included, is kept as it is. */
    static String decode(String s) {
        if (s == null || s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
                out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    @Override
    public String toString() {
        return "JdbcUrl[" + scrub(url) + ", user=" + user + (password == null ? "" : ", password=" + MASK) + "]";
    }

    /** Connection properties: the user and password, if any. */
    Properties properties() {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        return p;
    }

    /** The text with every known password, {@code password=} value and user-info password masked. */
    String scrub(String text) {
        if (text == null) {
            return null;
        }
        String s = text;
        for (String secret : secrets) {
            s = s.replace(secret, MASK);
        }
        s = PASSWORD_PARAMETER.matcher(s).replaceAll("$1" + MASK);
        return USER_INFO.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK + "@"));
    }

    /**
     * A copy of a driver's exception chain with every message scrubbed and the stack traces
     * kept, to attach as a cause (the original would carry the driver's raw text along).
     */
    Throwable scrubbed(Throwable t) {
        return scrubbed(t, 0);
    }

    private Throwable scrubbed(Throwable t, int depth) {
        if (t == null || depth > 20) {
            return null;
        }
        return new ScrubbedException(t, scrub(String.valueOf(t.getMessage())), scrubbed(t.getCause(), depth + 1));
    }

    /** A driver's exception, its message scrubbed; prints as the original class and message. */
    static final class ScrubbedException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String originalClass;

        ScrubbedException(Throwable original, String message, Throwable cause) {
            super(message, cause, false, true);
            this.originalClass = original.getClass().getName();
            setStackTrace(original.getStackTrace());
        }

        @Override
        public String toString() {
            return originalClass + ": " + getMessage();
        }
    }
}
