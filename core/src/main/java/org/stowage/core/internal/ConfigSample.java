package org.stowage.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.stowage.core.StowageOptions;
import org.stowage.spi.OptionSpec;

/** Renders a sample configuration from declared options: the drivers' and the host's alike. */
public final class ConfigSample {
    /** The type the full sample enables: the only one that stores images without a remote service. */
    static final String SAMPLE_TYPE = "file";
    /** The file store's directory, set (to its default) so a user sees where images go and changes it. */
    private static final String SAMPLE_DATADIR = "filesystem_store_datadir";

    private ConfigSample() {
    }

    /** The sample for {@code optionsByType} (type → its driver's options), or only {@code only}'s store. */
    public static String render(Map<String, List<OptionSpec>> optionsByType, String only) {
        List<String> types = new ArrayList<>();
        optionsByType.keySet().stream().filter(t -> only == null || t.equals(only)).forEach(types::add);
        List<String> enabled = only == null && types.contains(SAMPLE_TYPE) ? List.of(SAMPLE_TYPE) : types;
        StringBuilder sb = new StringBuilder();
        sb.append("# Sample Stowage configuration (glance-api.conf form), generated from the drivers' declared options.\n");
        sb.append("[DEFAULT]\n# One store per id:type entry, in this order.\n");
        if (!enabled.equals(types)) {
            sb.append("# Every installed type: enabled_backends = ").append(backends(types)).append("\n");
        }
        sb.append("enabled_backends = ").append(backends(enabled)).append("\n\n[glance_store]\n");
        sb.append("default_backend = ").append(enabled.isEmpty() ? "" : "my_" + enabled.get(0)).append("\n");
        for (String t : types) {
            String prefix = enabled.contains(t) ? "" : "#";
            sb.append("\n").append(prefix).append("[my_").append(t).append("]\n");
            List<OptionSpec> opts = new ArrayList<>(optionsByType.get(t));
            opts.addAll(StowageOptions.specs(StowageOptions.STORE));
            for (OptionSpec o : opts) {
                option(sb, o, prefix.isEmpty() && SAMPLE_TYPE.equals(t) && o.name().equals(SAMPLE_DATADIR));
            }
        }
        sb.append("\n# The host's own options.\n[").append(StowageOptions.SECTION).append("]\n");
        StowageOptions.specs(StowageOptions.HOST).forEach(o -> option(sb, o, false));
        return sb.toString();
    }

    private static String backends(List<String> types) {
        List<String> eb = new ArrayList<>();
        for (String t : types) {
            eb.add("my_" + t + ":" + t);
        }
        return String.join(", ", eb);
    }

    /** One option: its help, type and range as comments, then its default, commented out unless {@code active}. */
    private static void option(StringBuilder sb, OptionSpec o, boolean active) {
        sb.append("\n");
        for (String line : wrap(o.help(), 76)) {
            sb.append("# ").append(line).append("\n");
        }
        sb.append("# (").append(o.type().name().toLowerCase(Locale.ROOT));
        if (o.min() != null) {
            sb.append(", minimum ").append(o.min());
        }
        if (o.max() != null) {
            sb.append(", maximum ").append(o.max());
        }
        if (o.secret()) {
            sb.append(", secret");
        }
        sb.append(")\n");
        sb.append(active ? "" : "#").append(o.name()).append(" = ")
                .append(o.defaultValue() == null || o.secret() ? "<None>" : o.defaultValue()).append("\n");
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String word : text.split("\\s+")) {
            if (cur.length() > 0 && cur.length() + word.length() + 1 > width) {
                lines.add(cur.toString());
                cur.setLength(0);
            }
            if (cur.length() > 0) {
                cur.append(' ');
            }
            cur.append(word);
        }
        if (cur.length() > 0) {
            lines.add(cur.toString());
        }
        return lines;
    }
}
