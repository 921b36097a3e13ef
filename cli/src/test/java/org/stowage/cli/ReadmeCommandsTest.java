package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The README's command table documents every command the CLI has (nested ones by their full name,
 * e.g. {@code images list}), each row naming every option of its command: a command or an option
 * added without its documentation fails here.
 */
class ReadmeCommandsTest {
    @Test
    void everyCommandHasARowNamingEachOfItsOptions() throws Exception {
        List<String> rows = Files.readString(Path.of("../README.md")).lines().filter(l -> l.startsWith("| `")).toList();
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, Supplier<Object>> e : Main.SUBCOMMANDS.entrySet()) {
            if (!e.getKey().equals("help")) {
                CommandLine cl = new CommandLine(new StowageCommand()).addSubcommand(e.getKey(), e.getValue().get());
                leaves(cl.getSubcommands().get(e.getKey()).getCommandSpec(), e.getKey(), rows, checked);
            }
        }
        assertThat(checked).contains("images list", "copy", "add", "locations upgrade", "config check");
    }

    private static void leaves(CommandSpec spec, String name, List<String> rows, List<String> checked) {
        if (!spec.subcommands().isEmpty()) {
            spec.subcommands().forEach((sub, cl) -> {
                if (!cl.getCommandSpec().helpCommand()) {
                    leaves(cl.getCommandSpec(), name + " " + sub, rows, checked);
                }
            });
            return;
        }
        Optional<String> row = rows.stream().filter(r -> r.startsWith("| `" + name + " ") || r.startsWith("| `" + name + "`"))
                .findFirst();
        assertThat(row).as("README row of `stowage %s`", name).isPresent();
        String synopsis = row.get().substring(0, row.get().indexOf("` |") + 1);
        for (OptionSpec o : spec.options()) {
            if (!o.inherited() && !o.usageHelp() && !o.versionHelp() && !o.scopeType().equals(CommandLine.ScopeType.INHERIT)) {
                assertThat(List.of(o.names())).as("README synopsis of `stowage %s` (%s) names option %s", name, synopsis,
                        o.longestName()).anyMatch(n -> Pattern.compile("[\\[ `|]" + Pattern.quote(n) + "[\\] `=\\\\]").matcher(synopsis).find());
            }
        }
        checked.add(name);
    }
}
