package org.stowage.cli;

import java.util.concurrent.Callable;
import org.stowage.core.Stowage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code stowage delete}. */
@Command(name = "delete", description = "Delete an image.")
final class DeleteCommand implements Callable<Integer> {
    @ParentCommand
    StowageCommand root;
    @Mixin
    LocationArgs target;

    @Override
    public Integer call() {
        try (Stowage s = root.open()) {
            s.delete(target.location, target.store);
        }
        return 0;
    }
}
