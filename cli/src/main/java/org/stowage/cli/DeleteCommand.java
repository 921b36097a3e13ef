package org.stowage.cli;

import java.util.concurrent.Callable;
import org.stowage.core.Stowage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code stowage delete}. */
@Command(name = "delete", description = "Delete an image.")
final class DeleteCommand extends StowageSubcommand implements Callable<Integer> {
    @Mixin
    LocationArgs target;

    @Override
    public Integer call() {
        try (Stowage s = open()) {
            s.delete(target.location, target.store);
        }
        return 0;
    }
}
