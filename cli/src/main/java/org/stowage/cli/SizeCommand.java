package org.stowage.cli;

import java.util.concurrent.Callable;
import org.stowage.core.Stowage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code stowage size}. */
@Command(name = "size", description = "Print the size of an image in bytes.")
final class SizeCommand implements Callable<Integer> {
    @ParentCommand
    StowageCommand root;
    @Spec
    CommandSpec spec;
    @Mixin
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
