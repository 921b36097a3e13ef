package org.stowage.cli;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.stowage.core.HostOptions;
import org.stowage.core.StoreHandle;
import org.stowage.core.Stowage;
import org.stowage.core.config.SecretValues;
import org.stowage.core.plugins.DriverRegistry;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreDriverFactory;
import org.stowage.spi.StoreHealth;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code stowage config check|sample}. */
@Command(name = "config", description = "Check the configuration or print a sample generated from the drivers' options.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Sample.class})
final class ConfigCommand {
    @ParentCommand
    StowageCommand root;

    /** {@code stowage config check}. */
    @Command(name = "check", description = "Load the configuration and check every store (in parallel, each within "
            + "--timeout, as 'stowage health'); print the resolved stores with their status and settings (secrets "
            + "masked), any invalid value and any warnings. Exits 78 if a value is invalid or a store is not ok.")
    static final class Check implements Callable<Integer> {
        @ParentCommand
        ConfigCommand parent;
        @Spec
        CommandSpec spec;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;
        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
                converter = HealthCommand.TimeoutConverter.class, description = "How long to wait for each store's "
                        + "check, 1 to " + HealthCommand.MAX_TIMEOUT_SECONDS + " (default ${DEFAULT-VALUE}).")
        java.time.Duration timeout;

        @Override
        public Integer call() {
            try (Stowage s = parent.root.open()) {
                PrintWriter out = spec.commandLine().getOut();
                SecretValues secrets = SecretValues.of(s.config(), allOptions(s));
                List<String> warnings = s.warnings().stream().map(secrets::mask).toList();
                List<String> invalid = s.config().invalidValues().stream().map(secrets::mask).toList();
                Map<String, StoreHealth> health = s.health(s.allStores(), timeout);
                List<String> problems = new ArrayList<>(invalid);
                List<Object> stores = new ArrayList<>();
                for (StoreHandle h : s.allStores()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", h.id());
                    m.put("type", h.type());
                    m.put("default", h.isDefault());
                    m.put("reserved", h.isReserved());
                    m.put("source", h.source());
                    m.put("available", h.isAvailable());
                    h.failure().ifPresent(f -> m.put("failure", secrets.mask(f)));
                    StoreHealth checked = health.get(h.id());
                    m.put("status", secrets.mask(checked.line()));
                    m.put("latency_ms", checked.latency().toMillis());
                    m.put("settings", settings(s, h, secrets));
                    if (!checked.isOk()) {
                        problems.add("store '" + h.id() + "' is " + secrets.mask(checked.line()));
                    }
                    stores.add(m);
                }
                if (json) {
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("source", s.config().source());
                    doc.put("multi_store", s.config().multiStore());
                    doc.put("default_store", s.config().defaultStore());
                    doc.put("stores", stores);
                    doc.put("invalid_values", invalid);
                    doc.put("warnings", warnings);
                    out.println(Json.render(doc));
                } else {
                    out.println("configuration: " + s.config().source() + " ("
                            + (s.config().multiStore() ? "multi-store" : "legacy single-store") + ", default store "
                            + s.config().defaultStore() + ")");
                    for (Object o : stores) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> m = (Map<String, Object>) o;
                        out.println("[" + m.get("id") + "] type " + m.get("type") + (Boolean.TRUE.equals(m.get("default")) ? ", default" : "")
                                + (Boolean.TRUE.equals(m.get("reserved")) ? ", reserved" : "") + ", from " + m.get("source"));
                        if (m.containsKey("failure")) {
                            out.println("  UNAVAILABLE: " + m.get("failure"));
                        } else {
                            out.println("  status: " + m.get("status") + " (checked in " + m.get("latency_ms") + " ms)");
                        }
                        @SuppressWarnings("unchecked")
                        Map<String, String> st = (Map<String, String>) m.get("settings");
                        st.forEach((k, v) -> out.println("  " + k + " = " + v));
                    }
                    for (String w : invalid) {
                        out.println("invalid: " + w);
                    }
                    for (String w : warnings) {
                        out.println("warning: " + w);
                    }
                }
                out.flush();
                if (!problems.isEmpty()) {
                    throw StoreException.badStoreConfiguration("the configuration does not check out: "
                            + String.join("; ", problems));
                }
            }
            return 0;
        }

        /** Every option name (and deprecated name) any installed driver or the host declares secret. */
        private static List<OptionSpec> allOptions(Stowage s) {
            List<OptionSpec> all = new ArrayList<>(HostOptions.ALL);
            s.drivers().all().values().forEach(e -> all.addAll(e.factory().options()));
            return all;
        }

        private static Map<String, String> settings(Stowage s, StoreHandle h, SecretValues secrets) {
            Map<String, String> out = new LinkedHashMap<>();
            StoreDriverFactory f = s.drivers().find(h.type()).map(DriverRegistry.Entry::factory).orElse(null);
            Map<String, OptionSpec> specs = new LinkedHashMap<>();
            if (f != null) {
                f.options().forEach(o -> specs.put(o.name(), o));
            }
            HostOptions.ALL.forEach(o -> specs.put(o.name(), o));
            for (Setting st : s.config().storeSection(h.id()).values()) {
                OptionSpec spec = specs.get(st.name());
                if (spec == null) {
                    boolean alias = specs.values().stream().anyMatch(o -> o.deprecatedNames().contains(st.name()));
                    if (!alias) {
                        continue;
                    }
                }
                // a value copied from a secret by $-interpolation is as secret as the original
                boolean secret = spec != null && spec.secret() || secrets.revealedBy(st);
                out.put(st.name(), (secret ? "****" : String.join(" | ", st.values())) + "  (" + st.origin() + ")");
            }
            return out;
        }
    }

    /** {@code stowage config sample}. */
    @Command(name = "sample", description = "Print a sample configuration in glance-api.conf form, generated from the "
            + "options the installed drivers declare.")
    static final class Sample implements Callable<Integer> {
        @ParentCommand
        ConfigCommand parent;
        @Spec
        CommandSpec spec;
        @Option(names = "--type", paramLabel = "TYPE", description = "Only this driver type.")
        String type;

        @Override
        public Integer call() {
            try (DriverRegistry reg = DriverRegistry.load(parent.root.pluginsDirForListing(), List.of(), Stowage.version().replace("-SNAPSHOT", ""))) {
                Map<String, DriverRegistry.Entry> all = new LinkedHashMap<>(reg.all());
                all.values().removeIf(e -> e.failure().isPresent());
                if (type != null && !all.containsKey(type)) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--type '" + type + "': "
                            + reg.find(type).flatMap(DriverRegistry.Entry::failure).orElse("no driver for type '"
                            + type + "'") + ": expected one of the installed types " + String.join(", ", all.keySet()));
                }
                PrintWriter out = spec.commandLine().getOut();
                out.print(sample(all, type));
                out.flush();
            }
            return 0;
        }

        /** The type the full sample enables: the only one that stores images without a remote service. */
        static final String SAMPLE_TYPE = "file";

        /**
         * The sample: with {@code only}, that type's store; else a file store, enabled and writable
         * in Glance's default directory, so the sample passes {@code config check} as printed, with
         * every other installed type documented in commented-out sections to enable.
         */
        static String sample(Map<String, DriverRegistry.Entry> all, String only) {
            List<String> types = new ArrayList<>();
            all.keySet().stream().filter(t -> only == null || t.equals(only)).forEach(types::add);
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
                List<OptionSpec> opts = new ArrayList<>(all.get(t).factory().options());
                opts.addAll(HostOptions.ALL);
                for (OptionSpec o : opts) {
                    boolean active = prefix.isEmpty() && SAMPLE_TYPE.equals(t) && o.name().equals(SAMPLE_DATADIR);
                    option(sb, o, active);
                }
            }
            return sb.toString();
        }

        /** The file store's directory, set (to its default) so a user sees where images go and changes it. */
        private static final String SAMPLE_DATADIR = "filesystem_store_datadir";

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
            sb.append("# (").append(o.type().name().toLowerCase(java.util.Locale.ROOT));
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
}
