package org.stowage.cli;

import java.util.List;
import org.stowage.core.StoreHandle;
import org.stowage.core.Stowage;
import picocli.CommandLine.Option;

/** The options of the commands that list the stores (stores, health): which stores. */
final class StoreListOptions {
    @Option(names = "--all", description = "Include Glance's reserved stores (os_glance_*).")
    boolean all;

    /** The enabled stores; with {@code --all}, Glance's reserved stores too. */
    List<StoreHandle> stores(Stowage s) {
        return all ? s.allStores() : s.stores();
    }
}
