package org.stowage.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.stowage.core.Stowage;
import org.stowage.core.Uris;
import org.stowage.core.locations.GlanceDatabase;
import org.stowage.core.locations.ImageRecord;
import org.stowage.core.locations.ImagesDocument;
import org.stowage.core.locations.InvalidInputException;
import org.stowage.core.locations.LocationUpgrader;
import org.stowage.core.locations.UpgradeOutcome;
import org.stowage.core.locations.UpgradeTally;
import org.stowage.spi.ErrorKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stowage locations upgrade}. */
@Command(name = "locations", description = "Work on image locations.", subcommands = LocationsCommand.Upgrade.class)
final class LocationsCommand {
    /** {@code stowage locations upgrade}. */
    @Command(name = "upgrade", description = {
        "Upgrade image locations to the multi-store form: set metadata.store from the URL, and rewrite legacy "
            + "cinder://<volume> to cinder://<store>/<volume> for the store whose volume type owns the volume.",
        "Input: a JSON array in the shape of Glance's image API, [{\"id\": ..., \"locations\": [{\"url\": ..., "
            + "\"metadata\": {...}}]}], or the {\"images\": [...]} object of GET /v2/images, from FILE or stdin (the "
            + "document goes to stdout with only changed locations rewritten, every other field as it came), or a Glance database "
            + "with --glance-db (without a URL, or with --apply and no FILE: the configuration's [database] connection; rows "
            + "rewritten in place in batches, one transaction each, every column as Glance writes it; a row whose metadata "
            + "cannot be rewritten without loss is left as it is and listed; a dry run unless --apply).",
        "The summary (upgraded, already current, every unresolved image and location with its reason, remote calls) "
            + "goes to stderr. A store that could not be asked (unreachable, say) leaves its locations as they were and "
            + "makes the exit code that of its error."})
    static final class Upgrade extends StowageSubcommand implements Callable<Integer> {
        @Mixin MetricsFile metrics;
        @Option(names = "--glance-db", paramLabel = "JDBC_URL", arity = "0..1", fallbackValue = "", description = "A Glance "
                + "database, e.g. jdbc:sqlite:/var/lib/glance/glance.sqlite, jdbc:mariadb://host/glance, "
                + "jdbc:postgresql://host/glance; without a URL (or with --apply and no FILE), the [database] connection "
                + "of the configuration (glance-api.conf).")
        String glanceDb;
        @Mixin
        GlanceDbOptions db;
        @Option(names = "--apply", description = "Write the changes to the database (default: dry run).")
        boolean apply;
        @Option(names = "--dry-run", description = "Only show what would change (the default).")
        boolean dryRun;
        @Parameters(paramLabel = "FILE|-", arity = "0..1", description = "JSON images (default: stdin) when neither "
                + "--glance-db nor --apply is given.")
        String file;

        @Override
        public Integer call() throws IOException {
            if (apply && dryRun) {
                throw usageError("--apply and --dry-run exclude each other");
            }
            PrintWriter out = out();
            PrintWriter err = spec.commandLine().getErr();
            int code;
            try (Stowage s = open()) {
                LocationUpgrader upgrader = s.locationUpgrader(Duration.ZERO, Clock.systemUTC());
                if (glanceDb != null || apply && file == null) {
                    code = upgradeDatabase(s, upgrader, out, err);
                } else {
                    String what = file == null || file.equals("-") ? "stdin" : file;
                    String json = utf8(what.equals("stdin") ? System.in.readAllBytes()
                            : Files.readAllBytes(Path.of(file)), what);
                    ImagesDocument document = ImagesDocument.parse(json, what);
                    List<UpgradeOutcome> outcomes = upgrader.upgradeAll(document.images(), null);
                    List<ImageRecord> result = outcomes.stream().map(o -> new ImageRecord(o.imageId(), o.locations()))
                            .toList();
                    out.println(document.render(result));
                    out.flush();
                    UpgradeTally tally = UpgradeTally.of(outcomes);
                    summary(err, s, tally, null);
                    code = storeFailureExit(err, tally);
                }
                err.flush();
            }
            return code;
        }

        /** The rows of the Glance database, upgraded in place (a dry run unless --apply). */
        private int upgradeDatabase(Stowage s, LocationUpgrader upgrader, PrintWriter out, PrintWriter err)
                throws IOException {
            try (GlanceDatabase g = db.open(s, glanceDb, err)) {
                GlanceDatabase.Summary sum = g.upgrade(upgrader, db.batchSize, apply, c -> out.println(
                        c.imageId + "\t" + Uris.mask(c.before.url()) + "\t->\t" + Uris.mask(c.after.url())
                                + "\tstore=" + c.after.store() + (apply ? (c.written ? "\twritten"
                                        : "\tCONFLICT: row changed, not written") : "\t(dry run)")));
                out.flush();
                UpgradeTally tally = UpgradeTally.of(sum);
                summary(err, s, tally, apply ? "written" : "dry run: nothing written");
                sum.skipped.forEach(k -> err.println("  left as is: image " + k.imageId() + ", location row "
                        + k.rowId() + ": " + k.reason()));
                if (sum.conflicts > 0) {
                    err.println("conflicts: " + sum.conflicts + " row(s) changed during the run and were left alone; run again");
                }
                return storeFailureExit(err, tally);
            }
        }

        /** The text of a document, which must be UTF-8 as JSON is. */
        private static String utf8(byte[] bytes, String what) {
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new InvalidInputException(what + ": not UTF-8 text: expected a JSON "
                        + "document of images in UTF-8");
            }
        }

        /**
         * Zero, or when a store could not be asked about some location (unreachable, say) the exit
         * code of that error's kind, with one error line: those locations were left as they were.
         */
        private static int storeFailureExit(PrintWriter err, UpgradeTally tally) {
            Optional<ErrorKind> kind = tally.storeFailure();
            if (kind.isEmpty()) {
                return ExitCodes.OK;
            }
            err.println("stowage: " + kind.get().glanceName() + ": " + tally.storeFailures().size() + " location(s) left "
                    + "as they were because a store could not be asked about them (listed above); run again once it answers");
            return ExitCodes.of(kind.get());
        }

        private static void summary(PrintWriter err, Stowage s, UpgradeTally t, String mode) {
            err.println("images: " + t.images() + ", locations upgraded: " + t.upgraded() + ", already current: "
                    + t.current() + ", unresolved: " + t.unresolved().size() + ", remote calls: " + s.remoteCalls()
                    + (mode == null ? "" : " (" + mode + ")"));
            t.unresolved().forEach(u -> err.println("  unresolved: image " + u.imageId() + " " + u.url() + ": "
                    + u.reason()));
        }
    }
}
