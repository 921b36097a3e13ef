package org.stowage.cli;

import java.util.concurrent.Callable;
import org.stowage.core.Stowage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code stowage size}. */
@Command(name = "size", description = "Print the size of an image in bytes.")
final class SizeCommand extends StowageSubcommand implements Callable<Integer> {
    @Mixin
    LocationArgs target;

    @Override
    public Integer call() {
        try (Stowage s = open()) {
            printLine(s.size(target.location, target.store));
        }
        return 0;
    }
}
