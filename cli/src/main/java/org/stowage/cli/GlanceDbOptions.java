package org.stowage.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import org.stowage.core.Stowage;
import org.stowage.core.locations.DatabaseConnection;
import org.stowage.core.locations.GlanceDatabase;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options of the commands that work on Glance's database ({@code locations upgrade},
 * {@code stores rename}): its credentials and batch size, and where it is: the command's
 * {@code --glance-db} JDBC URL, else the {@code [database] connection} of the configuration the
 * command reads (glance-api.conf), as Glance finds it.
 */
final class GlanceDbOptions {
    /** Below every engine's limit of bound parameters (a batch's image ids are bound in one query). */
    static final int MAX_BATCH = 10_000;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;
    @Option(names = "--db-user", paramLabel = "USER", description = "Database user (default: the one in the URL).")
    String dbUser;
    @Option(names = "--db-password-file", paramLabel = "FILE", description = "File holding the database password "
            + "(default: the one in the URL).")
    Path dbPasswordFile;
    int batchSize = 500;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "500", description = "Images per batch and "
            + "transaction, 1 to " + MAX_BATCH + " (default ${DEFAULT-VALUE}).")
    void batchSize(int n) {
        if (n < 1 || n > MAX_BATCH) {
            throw new ParameterException(mixee.commandLine(), "option '--batch-size' = '" + n + "': expected 1 to "
                    + MAX_BATCH + " images per batch");
        }
        batchSize = n;
    }

    /**
     * Opens the database: {@code jdbcUrl} when given (not null, not empty), else the configuration's
     * {@code [database] connection}, which is then named on {@code err}.
     *
     * @throws ParameterException when there is neither
     */
    GlanceDatabase open(Stowage stowage, String jdbcUrl, PrintWriter err) throws IOException {
        return opener(stowage, jdbcUrl, err).get();
    }

    /**
     * Opens connections to the database, as {@link #open} finds it (named on {@code err} once):
     * for commands that use several at once.
     */
    Supplier<GlanceDatabase> opener(Stowage stowage, String jdbcUrl, PrintWriter err) throws IOException {
        String password = dbPasswordFile == null ? null : Files.readString(dbPasswordFile).strip();
        if (jdbcUrl != null && !jdbcUrl.isEmpty()) {
            DatabaseConnection c = DatabaseConnection.ofJdbc(jdbcUrl);
            return () -> GlanceDatabase.open(c, dbUser, password);
        }
        Optional<DatabaseConnection> configured = DatabaseConnection.fromConfig(stowage.config(),
                Path.of("").toAbsolutePath());
        if (configured.isEmpty()) {
            throw new ParameterException(mixee.commandLine(), "no Glance database: expected --glance-db JDBC_URL, or "
                    + "[database] connection in the configuration (" + stowage.config().source() + ")");
        }
        err.println("Glance database: " + configured.get().describe());
        err.flush();
        DatabaseConnection c = configured.get();
        return () -> GlanceDatabase.open(c, dbUser, password);
    }
}
