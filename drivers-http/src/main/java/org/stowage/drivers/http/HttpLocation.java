package org.stowage.drivers.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;

/**
 * An http(s) location, parsed with glance_store's rules ({@code _drivers/http.py}
 * {@code StoreLocation.parse_uri}): the URI must start with {@code http://} or {@code https://}
 * (case-sensitive); {@code user:password@} is split on {@code @} then {@code :} and anything else
 * ({@code user@host}, {@code a:b:c@host}) is malformed; the host may not be empty; a port must be
 * numeric; an IPv6 literal is written in brackets. The fragment is dropped. The authority ends at
 * the first {@code /}, {@code ?} or {@code #}, as for glance; a URI that reads as credentials with
 * such an unencoded character ({@code http://u:pa/ss@h/x}) is refused rather than read as host
 * {@code u}, so no piece of the password ends up in the host, port or path.
 *
 * <p>{@link #uri()} carries the credentials (as glance's {@code get_uri()}); {@link #toString()}
 * never does, and hides the query too (signed URLs carry tokens there).
 */
public final class HttpLocation implements StoreLocation {
    private final String scheme;
    private final String user;
    private final String password;
    private final String netloc;
    private final String host;
    private final int port;
    private final String path;
    private final String query;

    private HttpLocation(String scheme, String user, String password, String netloc, String host, int port,
                         String path, String query) {
        this.scheme = scheme;
        this.user = user;
        this.password = password;
        this.netloc = netloc;
        this.host = host;
        this.port = port;
        this.path = path;
        this.query = query;
    }

    /**
     * Parses {@code uri}.
     *
     * @throws StoreException of kind {@link ErrorKind#BAD_STORE_URI} if the URI is malformed; the message never shows credentials
     */
    public static HttpLocation parse(String uri) {
        requirePrintable(uri);
        String scheme = scheme(uri);
        String rest = uri.substring(scheme.length() + 3);
        int end = indexOfAny(rest, "/?#");
        if (looksLikeCredentialsWithADelimiter(rest, end)) {
            throw bad(uri, "an '@' follows the host, after a '/', '?' or '#': if the part before the '@' is"
                    + " user:password, percent-encode '/', '?' and '#' in it (%2F, %3F, %23); otherwise write that"
                    + " '@' as %40");
        }
        String authority = end < 0 ? rest : rest.substring(0, end);
        String tail = end < 0 ? "" : withoutFragment(rest.substring(end));
        int q = tail.indexOf('?');
        String path = q < 0 ? tail : tail.substring(0, q);
        String query = q < 0 ? "" : tail.substring(q + 1);
        Credentials credentials = credentials(uri, authority);
        String netloc = authority.substring(authority.indexOf('@') + 1);
        if (netloc.isEmpty()) {
            throw bad(uri, "No address specified in HTTP URL (expected a host after " + scheme + "://)");
        }
        HostAndPort hp = netloc.startsWith("[") ? bracketedIpv6(uri, netloc) : hostName(uri, netloc);
        return new HttpLocation(scheme, credentials.user(), credentials.password(), netloc, hp.host(),
                port(uri, scheme, hp.portText()), path, query);
    }

    private static void requirePrintable(String uri) {
        if (uri == null || uri.isEmpty()) {
            throw StoreException.badStoreUri("http store: empty location; expected http://host[:port]/path or https://...");
        }
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw bad(uri, "it contains a control character (code " + (int) c + ")");
            }
        }
    }

    /** {@code http} or {@code https}, written in lower case as glance requires. */
    private static String scheme(String uri) {
        if (uri.startsWith("http://")) {
            return "http";
        }
        if (uri.startsWith("https://")) {
            return "https";
        }
        throw bad(uri, "Location URI must start with one of the following schemas: http://, https://");
    }

    private static String withoutFragment(String tail) {
        int hash = tail.indexOf('#');
        return hash < 0 ? tail : tail.substring(0, hash);
    }

    /** The {@code user:password} before an {@code @}; never shown, not even by toString. */
    private record Credentials(String user, String password) {
        static final Credentials NONE = new Credentials(null, null);

        @Override
        public String toString() {
            return user == null ? "no credentials" : "****";
        }
    }

    /** The credentials of {@code user:password@netloc}, or none (also for an empty user name, as glance). */
    private static Credentials credentials(String uri, String authority) {
        int at = authority.indexOf('@');
        if (at < 0) {
            return Credentials.NONE;
        }
        if (authority.indexOf('@', at + 1) >= 0) {
            throw bad(uri, "Credentials are not well-formatted: more than one '@' (expected user:password@host)");
        }
        String creds = authority.substring(0, at);
        if (creds.isEmpty()) {
            return Credentials.NONE;
        }
        int colon = creds.indexOf(':');
        if (colon < 0 || creds.indexOf(':', colon + 1) >= 0) {
            throw bad(uri, "Credentials are not well-formatted (expected user:password@host)");
        }
        // glance keeps credentials only when the user name is non-empty
        return colon == 0 ? Credentials.NONE : new Credentials(creds.substring(0, colon), creds.substring(colon + 1));
    }

    /** The host of a netloc and the port as written after it (empty if none). */
    private record HostAndPort(String host, String portText) {
    }

    /** {@code [address]} or {@code [address]:port}. */
    private static HostAndPort bracketedIpv6(String uri, String netloc) {
        int close = netloc.indexOf(']');
        if (close < 0) {
            throw bad(uri, "the IPv6 address is not closed with ']'");
        }
        String host = netloc.substring(1, close);
        String after = netloc.substring(close + 1);
        if (!after.isEmpty() && !after.startsWith(":")) {
            throw bad(uri, "unexpected text after the IPv6 address (expected [address]:port)");
        }
        if (host.isEmpty() || !host.matches("[0-9A-Fa-f:.]+(%[A-Za-z0-9._~-]+)?") || host.indexOf(':') < 0) {
            throw bad(uri, "'" + host + "' is not an IPv6 address");
        }
        return new HostAndPort(host, after.isEmpty() ? "" : after.substring(1));
    }

    /** {@code host} or {@code host:port}, where the host is a name or an IPv4 address. */
    private static HostAndPort hostName(String uri, String netloc) {
        if (count(netloc, ':') > 1) {
            throw bad(uri, "an IPv6 address must be written in brackets, e.g. http://[::1]:8080/");
        }
        int colon = netloc.indexOf(':');
        String host = colon < 0 ? netloc : netloc.substring(0, colon);
        if (host.isEmpty()) {
            throw bad(uri, "No address specified in HTTP URL (the host is empty)");
        }
        if (!host.matches("[A-Za-z0-9._~!$&'()*+,;=%-]+")) {
            throw bad(uri, "the host '" + host + "' contains characters a host name cannot have");
        }
        return new HostAndPort(host, colon < 0 ? "" : netloc.substring(colon + 1));
    }

    /** The port written, or the scheme's default when none is. */
    private static int port(String uri, String scheme, String portText) {
        if (portText.isEmpty()) {
            return "https".equals(scheme) ? 443 : 80;
        }
        if (!portText.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw bad(uri, "the port '" + portText + "' is not a number");
        }
        if (portText.length() > 5 || Integer.parseInt(portText) < 1 || Integer.parseInt(portText) > 65535) {
            throw bad(uri, "the port " + portText + " is outside 1-65535");
        }
        return Integer.parseInt(portText);
    }

    @Override
    public String scheme() {
        return scheme;
    }

    /** glance's {@code get_uri()}: {@code scheme://[user:password@]netloc path [?query]}. */
    @Override
    public String uri() {
        StringBuilder sb = new StringBuilder(scheme).append("://");
        if (user != null) {
            sb.append(user).append(':').append(password).append('@');
        }
        sb.append(netloc).append(path);
        if (!query.isEmpty()) {
            sb.append('?').append(query);
        }
        return sb.toString();
    }

    /** The URI without credentials and with the query hidden: safe for logs and messages. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(scheme).append("://");
        if (user != null) {
            sb.append("****@");
        }
        sb.append(netloc).append(path);
        if (!query.isEmpty()) {
            sb.append("?****");
        }
        return sb.toString();
    }

    /** True if the URI carries {@code user:password@}. */
    public boolean hasCredentials() {
        return user != null;
    }

    /** The user name, percent-decoded, or {@code null}. */
    String userDecoded() {
        return user == null ? null : percentDecode(user);
    }

    /** The password, percent-decoded, or {@code null}. */
    String passwordDecoded() {
        return password == null ? null : percentDecode(password);
    }

    /** The host name or IP literal (IPv6 without brackets) to connect to. */
    public String host() {
        return host;
    }

    /** The port, explicit or the scheme's default. */
    public int port() {
        return port;
    }

    /** The netloc without credentials ({@code host[:port]}). */
    public String netloc() {
        return netloc;
    }

    /** The path as written (may be empty). */
    public String path() {
        return path;
    }

    /** The query without {@code ?} (may be empty). */
    public String query() {
        return query;
    }

    /** The {@code Host} header value: the netloc without credentials, default port omitted. */
    String hostHeader() {
        boolean defaultPort = port == ("https".equals(scheme) ? 443 : 80);
        return defaultPort ? bracketedHost() : hostAndPort();
    }

    /** {@code host:port}, the port always shown: how messages name the server, and a CONNECT target. */
    String hostAndPort() {
        return bracketedHost() + ":" + port;
    }

    private String bracketedHost() {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    /** The origin-form request target: path ({@code /} if empty) and query, unsafe bytes percent-encoded. */
    String originForm() {
        String p = path.isEmpty() ? "/" : path;
        return encodeUnsafe(query.isEmpty() ? p : p + "?" + query);
    }

    /** The absolute-form request target used through an http proxy (no credentials). */
    String absoluteForm() {
        return scheme + "://" + hostHeader() + originForm();
    }

    /**
     * Resolves a redirect's {@code Location} against this location (RFC 9110 §10.2.2, RFC 3986 §5):
     * absolute {@code http(s)} URIs are parsed as new locations (with their own credentials, if
     * any); relative references keep this location's scheme, credentials and authority, except
     * network-path references ({@code //host/path}) which keep only the scheme.
     *
     * @throws StoreException of kind {@link ErrorKind#BAD_STORE_URI} for another scheme or a malformed target
     */
    HttpLocation resolve(String ref) {
        String r = ref.trim();
        int schemeEnd = schemeLength(r);
        if (schemeEnd > 0) {
            String s = r.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
            if (!s.equals("http") && !s.equals("https")) {
                throw StoreException.badStoreUri("http store: " + this + " redirected to a location with scheme '" + s
                        + "'; only http and https redirects are followed");
            }
            return parse(s + r.substring(schemeEnd));
        }
        if (r.startsWith("//")) {
            return parse(scheme + ":" + r);
        }
        int hash = r.indexOf('#');
        if (hash >= 0) {
            r = r.substring(0, hash);
        }
        String refPath = r;
        String refQuery = null;
        int q = r.indexOf('?');
        if (q >= 0) {
            refPath = r.substring(0, q);
            refQuery = r.substring(q + 1);
        }
        String newPath;
        String newQuery;
        if (refPath.isEmpty()) {
            newPath = path;
            newQuery = refQuery != null ? refQuery : query;
        } else {
            if (refPath.startsWith("/")) {
                newPath = removeDotSegments(refPath);
            } else {
                String base = path.isEmpty() ? "/" : path.substring(0, path.lastIndexOf('/') + 1);
                newPath = removeDotSegments(base + refPath);
            }
            newQuery = refQuery == null ? "" : refQuery;
        }
        StringBuilder sb = new StringBuilder(scheme).append("://");
        if (user != null) {
            sb.append(user).append(':').append(password).append('@');
        }
        sb.append(netloc).append(newPath);
        if (!newQuery.isEmpty()) {
            sb.append('?').append(newQuery);
        }
        return parse(sb.toString());
    }

    /**
     * True when the text after {@code scheme://} reads as {@code user:password@host} whose user or
     * password holds an unencoded {@code /}, {@code ?} or {@code #}. The authority ends at the first
     * of those (as for glance's urlparse), so such a URI would put part of the password into the
     * host, port, path, query or fragment, where messages and logs show it. Detected as: no
     * {@code @} in the authority, but a later {@code @} with a {@code :} before it.
     */
    private static boolean looksLikeCredentialsWithADelimiter(String rest, int authorityEnd) {
        if (authorityEnd < 0 || rest.lastIndexOf('@', authorityEnd) >= 0) {
            return false;
        }
        int lastAt = rest.lastIndexOf('@');
        return lastAt > authorityEnd && rest.lastIndexOf(':', lastAt) >= 0;
    }

    private static int schemeLength(String r) {
        int colon = r.indexOf(':');
        if (colon <= 0) {
            return -1;
        }
        for (int i = 0; i < colon; i++) {
            char c = r.charAt(i);
            boolean ok = Character.isLetter(c) && c < 128 || i > 0 && (Character.isDigit(c) || c == '+' || c == '-' || c == '.');
            if (!ok) {
                return -1;
            }
        }
        return colon;
    }

    /**
     * The path with its {@code .} segments dropped and each {@code ..} segment removing the one
     * before it, as URI reference resolution does (RFC 3986's {@code remove_dot_segments}).
     */
    static String removeDotSegments(String input) {
        Deque<String> out = new ArrayDeque<>();
        String[] segs = input.split("/", -1);
        // segs[0] is "" for an absolute path
        for (int i = 1; i < segs.length; i++) {
            String s = segs[i];
            boolean last = i == segs.length - 1;
            if (s.equals(".")) {
                if (last) {
                    out.addLast("");
                }
            } else if (s.equals("..")) {
                if (!out.isEmpty()) {
                    out.removeLast();
                }
                if (last) {
                    out.addLast("");
                }
            } else {
                out.addLast(s);
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String s : out) {
            sb.append('/').append(s);
        }
        return sb.length() == 0 ? "/" : sb.toString();
    }

    private static String encodeUnsafe(String s) {
        StringBuilder sb = null;
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean ok = b > 0x20 && b < 0x7f && b != '"' && b != '<' && b != '>' && b != '\\' && b != '^'
                    && b != '`' && b != '{' && b != '|' && b != '}';
            if (ok) {
                if (sb != null) {
                    sb.append((char) b);
                }
            } else {
                if (sb == null) {
                    sb = new StringBuilder(new String(bytes, 0, i, StandardCharsets.ISO_8859_1));
                }
                sb.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 15, 16)));
            }
        }
        return sb == null ? s : sb.toString();
    }

    private static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()
                    && Character.digit(s.charAt(i + 1), 16) >= 0 && Character.digit(s.charAt(i + 2), 16) >= 0) {
                out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static int count(String s, char c) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }

    /** A BadStoreUri naming the location with credentials and query masked. */
    static StoreException bad(String uri, String why) {
        return StoreException.badStoreUri("http store: the Store URI was malformed: " + redactRaw(uri) + ": " + why);
    }

    /** Masks any {@code userinfo@} and the query of a raw (possibly malformed) URI. */
    static String redactRaw(String uri) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        String s = out.toString();
        int start = s.indexOf("://");
        start = start < 0 ? 0 : start + 3;
        // everything up to the last '@': a password may hold an unencoded '/', '?' or '#'
        int at = s.lastIndexOf('@');
        if (at >= start) {
            s = s.substring(0, start) + "****@" + s.substring(at + 1);
        }
        int q = s.indexOf('?');
        if (q >= 0) {
            s = s.substring(0, q) + "?****";
        }
        return s;
    }
}
