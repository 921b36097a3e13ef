package org.stowage.cli;

import org.stowage.core.ReadOptions;
import org.stowage.core.AddOptions;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.stowage.core.AddOptions;
import org.stowage.core.DriverCatalog;
import org.stowage.core.ImageIds;
import org.stowage.core.ReadOptions;
import org.stowage.core.StoreHandle;
import org.stowage.core.StoreReport;
import org.stowage.core.Stowage;
import org.stowage.core.StowageBuilder;
import org.stowage.core.StowageBuilder;
import org.stowage.spi.AddResult;
import org.stowage.spi.ImageStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** The {@code stowage} command and its global options. */
@Command(name = "stowage", mixinStandardHelpOptions = true, versionProvider = StowageCommand.Version.class,
        description = "Glance-compatible image stores: add, read, size and delete images in the configured stores.")
public final class StowageCommand {
    @Option(names = "--config", paramLabel = "FILE", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Configuration: glance-api.conf (oslo INI) or HOCON. Default: $STOWAGE_CONFIG (when set and "
                    + "not empty), else conf/stowage.conf of the installation.")
    Path config;

    @Option(names = "--plugins-dir", paramLabel = "DIR", scope = picocli.CommandLine.ScopeType.INHERIT, description = "Driver plugins directory "
            + "(default: [stowage] plugins_dir, else plugins/ of the installation).")
    Path pluginsDir;

    @Option(names = {"-v", "--verbose"}, scope = picocli.CommandLine.ScopeType.INHERIT, description = "Log what is done (info level, on stderr).")
    boolean verbose;

    @Option(names = "--debug", scope = picocli.CommandLine.ScopeType.INHERIT, description = "Debug logging and stack traces.")
    boolean debug;

    @Option(names = {"-q", "--quiet"}, scope = picocli.CommandLine.ScopeType.INHERIT, description = "Only errors on stderr; no progress bar.")
    boolean quiet;

    @Option(names = "--no-progress", scope = picocli.CommandLine.ScopeType.INHERIT, description = "Never draw a progress bar.")
    boolean noProgress;

    /** Builds the core from the options. */
    Stowage open() {
        Path file = config;
        String home = System.getProperty("stowage.home");
        String env = System.getenv("STOWAGE_CONFIG");
        if (file == null && env != null && !env.isEmpty()) {
            file = Path.of(env);
        }
        if (file == null && home != null) {
            file = Path.of(home, "conf", "stowage.conf");
        }
        if (file == null) {
            throw StoreException.badStoreConfiguration("no configuration: pass --config FILE or set STOWAGE_CONFIG");
        }
        StowageBuilder b = Stowage.builder().configFile(file);
        if (pluginsDir != null) {
            b.pluginsDir(pluginsDir);
        } else if (home != null) {
            // the configuration is read once: a pipe given as --config cannot be read twice
            b.defaultPluginsDir(Path.of(home, "plugins"));
        }
        return b.build();
    }

    /** The plugins directory for listings that need no configuration: --plugins-dir, else plugins/ of the installation. */
    Path pluginsDirForListing() {
        String home = System.getProperty("stowage.home");
        return pluginsDir != null ? pluginsDir : home == null ? null : Path.of(home, "plugins");
    }

    boolean progress() {
        return Progress.wanted(quiet || noProgress);
    }

    /** {@code --version}. */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"stowage " + Stowage.version()};
        }
    }

    /** {@code stowage stores}. */
    @Command(name = "stores", description = "List the enabled stores: id, type, default, read-only, description and "
            + "status, without contacting any service (the status of a store that needs a check is 'not checked'); "
            + "--detail checks every store in parallel, as 'stowage health' does.")
    static final class Stores implements Callable<Integer> {
        @ParentCommand
        StowageCommand root;
        @Spec
        CommandSpec spec;
        @Option(names = "--detail", description = "Check every store (in parallel, each within --timeout) and add "
                + "weight, driver source, capabilities, properties and the check's latency.")
        boolean detail;
        @Option(names = "--all", description = "Include Glance's reserved stores (os_glance_*).")
        boolean all;
        @Option(names = "--json", description = "Print JSON (one array) instead of a table.")
        boolean json;
        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
                converter = HealthCommand.TimeoutConverter.class, description = "With --detail: how long to wait for "
                        + "each store, 1 to " + HealthCommand.MAX_TIMEOUT_SECONDS + " (default ${DEFAULT-VALUE}).")
        java.time.Duration timeout;

        @Override
        public Integer call() {
            try (Stowage s = root.open()) {
                PrintWriter out = spec.commandLine().getOut();
                List<StoreHandle> stores = all ? s.allStores() : s.stores();
                Map<String, StoreReport> reports = detail ? s.inspect(stores, timeout) : Map.of();
                if (json) {
                    List<Object> list = new ArrayList<>();
                    for (StoreHandle h : stores) {
                        list.add(describe(h, reports.get(h.id())));
                    }
                    out.println(Json.render(list));
                } else {
                    out.println(table(stores, reports, detail));
                }
                out.flush();
            }
            return 0;
        }

        /** A store as JSON; {@code report} is its check with --detail, null without. */
        static Map<String, Object> describe(StoreHandle h, StoreReport report) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", h.id());
            m.put("type", h.type());
            m.put("default", h.isDefault());
            m.put("read_only", h.isReadOnly());
            if (h.description() != null) {
                m.put("description", h.description());
            }
            m.put("status", h.status());
            if (report != null) {
                HealthCommand.fields(m, report.health());
                m.put("weight", h.weight());
                m.put("source", h.source());
                m.put("available", h.isAvailable());
                List<String> caps = new ArrayList<>();
                h.capabilities().list().forEach(c -> caps.add(c.name().toLowerCase(java.util.Locale.ROOT)));
                m.put("capabilities", caps);
                Map<String, Object> props = new LinkedHashMap<>();
                report.properties().forEach((k, v) -> props.put(k, v instanceof Number || v instanceof Boolean ? v
                        : String.valueOf(v)));
                m.put("properties", props);
            }
            return m;
        }

        static String table(List<StoreHandle> stores, Map<String, StoreReport> reports, boolean detail) {
            List<String[]> rows = new ArrayList<>();
            rows.add(detail ? new String[] {"ID", "TYPE", "DEFAULT", "READ-ONLY", "WEIGHT", "DESCRIPTION", "STATUS",
                "LATENCY", "PROPERTIES"} : new String[] {"ID", "TYPE", "DEFAULT", "READ-ONLY", "DESCRIPTION", "STATUS"});
            for (StoreHandle h : stores) {
                String desc = h.description() == null ? "-" : h.description();
                String isDefault = h.isDefault() ? "yes" : "";
                String readOnly = h.isReadOnly() ? "yes" : "";
                if (detail) {
                    StoreReport r = reports.get(h.id());
                    rows.add(new String[] {h.id(), h.type(), isDefault, readOnly, String.valueOf(h.weight()), desc,
                        r.health().line(), HealthCommand.latency(r.health()), String.valueOf(r.properties())});
                } else {
                    rows.add(new String[] {h.id(), h.type(), isDefault, readOnly, desc, h.status()});
                }
            }
            return Table.render(rows);
        }
    }

    /** {@code stowage add}. */
    @Command(name = "add", description = "Store an image and print one JSON object: location, size, checksum (md5), "
            + "multihash, hash_algo, metadata.")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        StowageCommand root;
        @Spec
        CommandSpec spec;
        @Option(names = "--store", paramLabel = "ID", description = "Target store (default: the default store).")
        String store;
        @Option(names = "--image-id", paramLabel = "UUID", converter = ImageIdConverter.class,
                description = "Image id, a UUID as Glance requires (default: a new UUID).")
        String imageId;
        @Option(names = "--size", paramLabel = "N", converter = Ranges.NonNegative.class, description = "Declared size in bytes; the data must match it "
                + "(default: the file's size; unknown for stdin).")
        Long size;
        @Option(names = "--hash", paramLabel = "ALGO", description = "Multihash algorithm (default: [DEFAULT] hashing_algorithm, sha512).")
        String hash;
        @Option(names = "--owner", paramLabel = "PROJECT", description = "Owning project id, recorded by stores that keep it.")
        String owner;
        @Parameters(paramLabel = "FILE|-", description = "The image file, or - for stdin.")
        String file;

        @Override
        public Integer call() throws IOException {
            long declared;
            InputStream in;
            if ("-".equals(file)) {
                in = java.nio.channels.Channels.newInputStream(new java.io.FileInputStream(FileDescriptor.in).getChannel());
                declared = size == null ? -1 : size;
            } else {
                Path p = Path.of(file);
                if (!Files.isRegularFile(p)) {
                    throw new java.nio.file.NoSuchFileException(file + " (expected a readable file or - for stdin)");
                }
                in = Files.newInputStream(p);
                declared = size == null ? Files.size(p) : size;
            }
            in = Transfers.input(in, "-".equals(file) ? "standard input" : file);
            try (Stowage s = root.open(); InputStream closing = in) {
                Interruption.arm(s);
                AddOptions options = AddOptions.defaults().imageId(imageId).hashAlgorithm(hash).owner(owner);
                options = declared < 0 ? options : options.declaredSize(declared);
                String target = store == null ? s.defaultStore().id() : store;
                AddResult r;
                if (root.progress()) {
                    try (Progress bar = Progress.start("add", declared)) {
                        r = s.add(target, bar.wrap(in), options.phases(bar));
                        bar.finish();
                    }
                } else {
                    r = s.add(target, in, options);
                }
                report(s, r);
            }
            return 0;
        }

        /**
         * Prints the result. The add succeeds only if the caller learns where the image is: if
         * the result cannot be written (stdout closed or full), the image is deleted again.
         */
        private void report(Stowage s, AddResult r) throws IOException {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("location", r.location());
            m.put("size", r.size());
            m.put("checksum", r.checksum());
            m.put("multihash", r.multihash());
            m.put("hash_algo", r.hashAlgo());
            m.put("metadata", r.metadata());
            PrintWriter out = spec.commandLine().getOut();
            out.println(Json.render(m));
            if (!out.checkError()) {
                return;
            }
            try {
                s.delete(r.location(), store);
            } catch (RuntimeException e) {
                throw new IOException("could not write the result to standard output (closed or full), and deleting "
                        + "the image again failed (" + e.getMessage() + "): it is stored at " + r.location(), e);
            }
            throw new IOException("could not write the result to standard output (closed or full): the image was "
                    + "deleted again, nothing is stored");
        }
    }

    /** {@code --image-id}: a UUID, checked by the core's rule before anything is read. */
    static final class ImageIdConverter implements picocli.CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!ImageIds.isValid(value)) {
                throw new picocli.CommandLine.TypeConversionException(ImageIds.problem(value));
            }
            return value;
        }
    }

    /** {@code stowage get}. */
    @Command(name = "get", description = "Read an image (or a range of it) to stdout or a file.")
    static final class Get implements Callable<Integer> {
        @ParentCommand
        StowageCommand root;
        @Spec
        CommandSpec spec;
        @picocli.CommandLine.Mixin
        LocationArgs target;
        @Option(names = "--offset", paramLabel = "N", defaultValue = "0", converter = Ranges.NonNegative.class,
                description = "First byte to read.")
        long offset;
        @Option(names = "--length", paramLabel = "N", converter = Ranges.NonNegative.class,
                description = "Bytes to read (default: to the end).")
        Long length;
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE, or - for stdout "
                + "(default: stdout, unless it is a terminal): "
                + "written to a new, randomly named file in FILE's directory and renamed onto FILE when complete "
                + "(a link at FILE is replaced, not followed); a device or FIFO is written in place; a directory "
                + "is an error.")
        Path output;

        @Override
        public Integer call() throws IOException {
            boolean toStdout = output == null || output.toString().equals("-");
            if (output == null && Terminals.stdout()) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "standard output is a terminal: "
                        + "image bytes are not written to it unless asked; use -o FILE, or -o - to write them there");
            }
            try (Stowage s = root.open()) {
                Interruption.arm(s);
                try (ImageStream img = s.get(target.location, (length == null ? ReadOptions.from(offset) : ReadOptions.range(offset, length)).inStore(target.store))) {
                    if (toStdout) {
                        OutputStream out = Transfers.stdout();
                        copy(img, out);
                        out.flush();
                    } else {
                        try (OutputFile file = OutputFile.open(output)) {
                            copy(img, file.stream());
                            file.publish();
                        }
                    }
                }
            }
            return 0;
        }

        /**
         * Copies the image to {@code out}, with a bar if wanted. A failure of the output is the
         * user's side (I/O error, or a closed pipe); any other is the store's, with its kind.
         */
        private void copy(ImageStream img, OutputStream out) throws IOException {
            long n;
            try (Progress bar = root.progress() ? Progress.start("get", img.length()) : null) {
                n = (bar == null ? img : bar.wrap(img)).transferTo(out);
                if (bar != null) {
                    bar.finish();
                }
            } catch (IOException e) {
                if (Transfers.find(e, Transfers.OutputFailed.class) != null
                        || Transfers.find(e, Transfers.StdoutClosed.class) != null) {
                    throw e;
                }
                throw Transfers.readFailure(target.location, e);
            }
            long expected = img.length();
            if (expected >= 0 && n != expected) {
                throw StoreException.backend("read " + n + " bytes, expected " + expected
                        + ": the image was cut short");
            }
        }
    }

    /** {@code stowage size}. */
    @Command(name = "size", description = "Print the size of an image in bytes.")
    static final class Size implements Callable<Integer> {
        @ParentCommand
        StowageCommand root;
        @Spec
        CommandSpec spec;
        @picocli.CommandLine.Mixin
        LocationArgs target;

        @Override
        public Integer call() {
            try (Stowage s = root.open()) {
                spec.commandLine().getOut().println(s.size(target.location, target.store));
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }

    /** {@code stowage delete}. */
    @Command(name = "delete", description = "Delete an image.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        StowageCommand root;
        @picocli.CommandLine.Mixin
        LocationArgs target;

        @Override
        public Integer call() {
            try (Stowage s = root.open()) {
                s.delete(target.location, target.store);
            }
            return 0;
        }
    }

    /** {@code stowage drivers}. */
    @Command(name = "drivers", description = "List the installed driver types and where each was found (no configuration needed).")
    static final class Drivers implements Callable<Integer> {
        @ParentCommand
        StowageCommand root;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (DriverCatalog catalog = DriverCatalog.load(root.pluginsDirForListing())) {
                PrintWriter out = spec.commandLine().getOut();
                catalog.drivers().forEach(d -> out.println(d.type() + "\t" + d.description() + "\t" + d.source()));
                out.flush();
            }
            return 0;
        }
    }
}
