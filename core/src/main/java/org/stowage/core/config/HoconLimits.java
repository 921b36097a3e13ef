package org.stowage.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.stowage.spi.StoreException;

/**
 * Keeps HOCON text within what Typesafe Config can parse and resolve: its parser and resolver
 * recurse once per nesting level and per substitution step, and a chain of substitutions that
 * double ({@code b = ${a}${a}}, {@code c = ${b}${b}}, ...) resolves to a value of exponential
 * size. So nesting is measured on the text before it is parsed, and the size a parsed tree
 * will have once resolved is bounded before it is resolved.
 */
final class HoconLimits {
    private static final ConfigRenderOptions RENDER = ConfigRenderOptions.concise();

    private HoconLimits() {
    }

    /**
     * Refuses text nested deeper than {@link ConfigLimits#MAX_NESTING}: braces, brackets and the
     * parts of a dotted key, outside quoted strings, comments and substitutions.
     */
    static void checkNesting(String name, String text) {
        int depth = 0;
        int dots = 0;
        int line = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                int end = endOfQuoted(text, i);
                line += count(text, i, end, '\n');
                i = end;
                continue;
            }
            if (c == '#' || (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/')) {
                int nl = text.indexOf('\n', i);
                i = (nl < 0 ? text.length() : nl) - 1;
                continue;
            }
            if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                int close = text.indexOf('}', i);
                i = (close < 0 ? text.length() : close);
                continue;
            }
            switch (c) {
                case '{': case '[':
                    depth++;
                    dots = 0;
                    break;
                case '}': case ']':
                    depth = Math.max(0, depth - 1);
                    dots = 0;
                    break;
                case '.':
                    dots++;
                    break;
                case '\n':
                    line++;
                    dots = 0;
                    break;
                case ' ': case '\t': case '\r': case '=': case ':': case ',':
                    dots = 0;
                    break;
                default:
                    break;
            }
            if (depth + dots > ConfigLimits.MAX_NESTING) {
                throw StoreException.badStoreConfiguration(name + ":" + line + ": nested deeper than the "
                        + ConfigLimits.MAX_NESTING + " levels a configuration may have (objects, lists and the "
                        + "parts of dotted keys together)");
            }
        }
    }

    /** The index of the quote that ends the string starting at {@code start} (a triple quote: its last quote). */
    private static int endOfQuoted(String text, int start) {
        if (text.startsWith("\"\"\"", start)) {
            int end = text.indexOf("\"\"\"", start + 3);
            return end < 0 ? text.length() : end + 2;
        }
        for (int i = start + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"' || c == '\n') {
                return i;
            }
        }
        return text.length();
    }

    private static int count(String text, int from, int to, char c) {
        int n = 0;
        for (int i = from; i < Math.min(to, text.length()); i++) {
            if (text.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }

    /**
     * Refuses a parsed, unresolved tree that could resolve to more than
     * {@link ConfigLimits#MAX_RESOLVED_CHARS}, or whose substitutions lead to substitutions more
     * than {@link ConfigLimits#MAX_SUBSTITUTION_DEPTH} deep. The size is an upper bound: each
     * substitution counts the whole (bounded) size of what it refers to, and the root's size is
     * the whole configuration's.
     */
    static void checkResolvedSize(String name, Config unresolved) {
        if (!unresolved.isResolved()) {
            new Estimate(name, unresolved.root()).size(List.of());
        }
    }

    /** Refuses a resolved tree with a string longer than {@link ConfigLimits#MAX_VALUE_CHARS}. */
    static void checkValues(String name, Config resolved) {
        Deque<ConfigValue> todo = new ArrayDeque<>();
        todo.push(resolved.root());
        while (!todo.isEmpty()) {
            ConfigValue v = todo.pop();
            if (v instanceof ConfigObject) {
                ((ConfigObject) v).values().forEach(todo::push);
            } else if (v instanceof ConfigList) {
                ((ConfigList) v).forEach(todo::push);
            } else if (v.valueType() == ConfigValueType.STRING
                    && ((String) v.unwrapped()).length() > ConfigLimits.MAX_VALUE_CHARS) {
                throw StoreException.badStoreConfiguration(StowageConfig.origin(v, name) + ": a value is longer than the "
                        + ConfigLimits.size(ConfigLimits.MAX_VALUE_CHARS) + " characters a configuration value may have");
            }
        }
    }

    /**
     * Sizes of paths once resolved, from the concise rendering of the unresolved tree, where a
     * substitution is {@code ${path}} and a value set several times (whose later settings may
     * refer to the earlier ones) is its settings separated by commas.
     */
    private static final class Estimate {
        private final String name;
        private final ConfigObject root;
        private final Map<List<String>, Long> known = new HashMap<>();
        private final Deque<List<String>> resolving = new ArrayDeque<>();

        Estimate(String name, ConfigObject root) {
            this.name = name;
            this.root = root;
        }

        long size(List<String> path) {
            Long k = known.get(path);
            if (k != null) {
                return k;
            }
            if (resolving.size() > ConfigLimits.MAX_SUBSTITUTION_DEPTH) {
                throw StoreException.badStoreConfiguration(name + ": substitutions lead to substitutions more than "
                        + ConfigLimits.MAX_SUBSTITUTION_DEPTH + " deep (at ${" + ConfigUtil.joinPath(path)
                        + "}): a configuration may not chain them deeper");
            }
            ConfigValue node = at(path);
            if (node == null || resolving.contains(path)) {
                return 0; // a missing or circular reference: resolving it reports it
            }
            resolving.push(path);
            try {
                long s = ofRendered(node.render(RENDER), path);
                known.put(path, s);
                return s;
            } finally {
                resolving.pop();
            }
        }

        /** The value at {@code path}, or the nearest enclosing one whose members are not known before resolving. */
        private ConfigValue at(List<String> path) {
            ConfigValue v = root;
            for (String key : path) {
                if (!(v instanceof ConfigObject)) {
                    return v;
                }
                try {
                    ConfigValue next = ((ConfigObject) v).get(key);
                    if (next == null) {
                        return null;
                    }
                    v = next;
                } catch (ConfigException e) {
                    return v;
                }
            }
            return v;
        }

        /**
         * The size of a rendered value: its own characters plus what each substitution brings.
         * A reference to the value itself (or to what contains it) brings what the settings
         * before it made; a setting without one adds to them (objects merge).
         */
        private long ofRendered(String text, List<String> self) {
            long before = 0;
            long setting = 0;
            boolean refersToItself = false;
            int depth = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '"') {
                    int end = endOfQuoted(text, i);
                    setting = add(setting, end - i + 1);
                    i = end;
                } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                    int end = endOfSubstitution(text, i + 2);
                    List<String> ref = referencePath(text.substring(i + 2, end));
                    if (self.size() >= ref.size() && self.subList(0, ref.size()).equals(ref)) {
                        setting = add(setting, before);
                        refersToItself = true;
                    } else {
                        setting = add(setting, size(ref));
                    }
                    i = end;
                } else if (c == ',' && depth == 0) {
                    before = refersToItself ? setting : add(before, setting);
                    setting = 0;
                    refersToItself = false;
                } else {
                    depth += c == '{' || c == '[' ? 1 : c == '}' || c == ']' ? -1 : 0;
                    setting = add(setting, 1);
                }
            }
            return refersToItself ? setting : add(before, setting);
        }

        private static int endOfSubstitution(String text, int from) {
            for (int i = from; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '"') {
                    i = endOfQuoted(text, i);
                } else if (c == '}') {
                    return i;
                }
            }
            return text.length();
        }

        private List<String> referencePath(String expression) {
            String e = expression.startsWith("?") ? expression.substring(1) : expression;
            try {
                return ConfigUtil.splitPath(e.strip());
            } catch (ConfigException ex) {
                return List.of(e);
            }
        }

        /** {@code a + b}, failing as soon as it exceeds the bound (so that it never overflows). */
        private long add(long a, long b) {
            long s = a + b;
            if (s > ConfigLimits.MAX_RESOLVED_CHARS) {
                throw tooLarge();
            }
            return s;
        }

        private StoreException tooLarge() {
            return StoreException.badStoreConfiguration(name + ": its substitutions (${...}) would make it larger than the "
                    + ConfigLimits.size(ConfigLimits.MAX_RESOLVED_CHARS) + " a resolved configuration may have");
        }
    }
}
