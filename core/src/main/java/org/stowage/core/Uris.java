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
        if (uri == null) {
            return null;
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
}
