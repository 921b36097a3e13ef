package org.stowage.cli;

import java.nio.file.Path;
import java.time.Duration;
import org.stowage.core.Stowage;
import org.stowage.core.drain.DrainObserver;
import org.stowage.core.drain.DrainOptions;
import org.stowage.core.drain.StoreDrain;
import org.stowage.core.locations.GlanceDatabase;

/**
 * A test-only program, run in its own JVM by {@link DrainHaltIT} with the installation's
 * {@code lib/*} and plugins: {@code stores drain SOURCE --to TARGET --apply} as the CLI runs it,
 * whose process dies at once ({@code Runtime.halt(137)}: no shutdown hook, no finally, as under
 * kill -9) right after one image reaches one point of its move.
 *
 * <p>Arguments: CONFIG PLUGINS_DIR JDBC_URL SOURCE TARGET IMAGE_ID POINT LEASE_SECONDS.
 */
public final class DrainHaltMain {
    private DrainHaltMain() {
    }

    public static void main(String[] args) {
        if (args.length != 8) {
            System.err.println("usage: DrainHaltMain CONFIG PLUGINS_DIR JDBC_URL SOURCE TARGET IMAGE_ID POINT "
                    + "LEASE_SECONDS");
            System.exit(64);
        }
        String victim = args[5];
        DrainObserver.Point at = DrainObserver.Point.valueOf(args[6]);
        DrainObserver halt = new DrainObserver() {
            @Override
            public void after(String imageId, Point point) {
                if (imageId.equals(victim) && point == at) {
                    System.out.println("halting after " + point + " of " + imageId);
                    System.out.flush();
                    Runtime.getRuntime().halt(137);
                }
            }
        };
        try (Stowage s = Stowage.builder().configFile(Path.of(args[0])).pluginsDir(Path.of(args[1])).build()) {
            DrainOptions options = DrainOptions.of(args[3], args[4]).apply(true)
                    .lease(Duration.ofSeconds(Long.parseLong(args[7]))).observer(halt);
            new StoreDrain(s, () -> GlanceDatabase.open(args[2], null, null), options).run();
        }
        System.out.println("ended without reaching " + at + " of " + victim);
        System.exit(3);
    }
}
