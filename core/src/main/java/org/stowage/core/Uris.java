package org.stowage.core;

import java.util.Locale;
import java.util.regex.Pattern;

/** URI helpers shared by the core. */
public final class Uris {
    private static final Pattern CREDENTIALS = Pattern.compile("(?<=://)[^/@?#]*@");

    private Uris() {
    }

    /** The URI with any {@code user:password@} replaced by {@code ***@}: safe to log and show. */
    public static String mask(String uri) {
        if (uri == null || uri.indexOf('@') < 0) {
            return uri; // nothing to mask (and no regex per add)
        }
        return CREDENTIALS.matcher(uri).replaceFirst("***@");
    }

    /** The scheme of {@code uri} (lower-cased), or null if it has no {@code scheme://}. */
    public static String scheme(String uri) {
        int i = uri.indexOf("://");
        if (i <= 0) {
            return null;
        }
        String s = uri.substring(0, i);
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (!(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) {
                return null;
            }
        }
        return s.toLowerCase(Locale.ROOT);
    }

    /**
     * True if {@code prefix} matches {@code uri} on a path boundary: the URI equals the prefix, or
     * continues with {@code /}, or the prefix itself ends with {@code /}.
     */
    public static boolean matchesPrefix(String uri, String prefix) {
        if (prefix == null || prefix.isEmpty() || !uri.startsWith(prefix)) {
            return false;
        }
        return uri.length() == prefix.length() || prefix.endsWith("/") || uri.charAt(prefix.length()) == '/';
    }

    /**
     * {@code url} as logs show it: without {@code user:password@} and with each query value (a
     * signature, a token) and any fragment masked; stricter than {@link #mask}, which keeps the query.
     */
    public static String redacted(String url) {
        if (url == null) {
            return "";
        }
        String u = url;
        int hash = u.indexOf('#');
        if (hash >= 0) {
            u = u.substring(0, hash);
        }
        int q = u.indexOf('?');
        String query = q >= 0 ? u.substring(q + 1) : null;
        String base = q >= 0 ? u.substring(0, q) : u;
        int scheme = base.indexOf("://");
        int hostStart = scheme >= 0 ? scheme + 3 : 0;
        int pathStart = base.indexOf('/', hostStart);
        String authority = pathStart >= 0 ? base.substring(hostStart, pathStart) : base.substring(hostStart);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            base = base.substring(0, hostStart) + "****@" + authority.substring(at + 1)
                    + (pathStart >= 0 ? base.substring(pathStart) : "");
        }
        return query == null ? base : base + "?" + maskQuery(query);
    }

    private static String maskQuery(String query) {
        StringBuilder sb = new StringBuilder();
        for (String pair : query.split("&", -1)) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            int eq = pair.indexOf('=');
            sb.append(eq >= 0 ? pair.substring(0, eq) + "=****" : pair);
        }
        return sb.toString();
    }
}
