package org.stowage.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.stowage.core.DriverCatalog;
import picocli.CommandLine.Command;

/** {@code stowage drivers}. */
@Command(name = "drivers", description = "List the installed driver types and where each was found (no configuration needed).")
final class DriversCommand extends StowageSubcommand implements Callable<Integer> {

    @Override
    public Integer call() {
        try (DriverCatalog catalog = DriverCatalog.load(root().pluginsDirForListing())) {
            PrintWriter out = out();
            catalog.drivers().forEach(d -> out.println(d.type() + "\t" + d.description() + "\t" + d.source()));
            out.flush();
        }
        return 0;
    }
}
