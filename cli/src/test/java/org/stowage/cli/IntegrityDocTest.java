package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stowage.core.audit.AuditOptions;
import org.stowage.core.audit.AuditReport;
import org.stowage.core.audit.Finding;
import org.stowage.core.locations.ImageHold;
import picocli.CommandLine;

/**
 * docs/integrity.md against the code: every finding kind in its table, every action, every
 * image state that holds data, every JSON key {@code audit --json} prints, and every option of
 * {@code audit} and {@code verify}.
 */
class IntegrityDocTest {
    private static String doc() throws Exception {
        return Files.readString(Path.of("..", "docs", "integrity.md"));
    }

    @Test
    void everyKindActionAndHoldingStateIsDocumented() throws Exception {
        String doc = doc();
        for (Finding.Kind k : Finding.Kind.values()) {
            assertThat(doc).as("kind %s in the table", k).contains("| `" + k.key() + "` |");
        }
        for (Finding.Action a : Finding.Action.values()) {
            assertThat(doc).as("action %s", a).contains("`" + a.key() + "`");
        }
        for (String state : ImageHold.HOLDING_STATES) {
            assertThat(doc).as("holding state %s", state).contains("`" + state + "`");
        }
        for (AuditOptions.Fix f : AuditOptions.Fix.values()) {
            assertThat(doc).contains("`" + f.name() + "`");
        }
    }

    @Test
    void everyJsonKeyOfTheAuditIsDocumented() throws Exception {
        String doc = doc();
        AuditReport empty = new AuditReport(List.of(), Map.of(), 0, 0, 0, 0, 0, 0, 0);
        for (String key : AuditCommand.toMap(empty, AuditOptions.defaults(), List.of()).keySet()) {
            assertThat(doc).as("JSON key %s", key).contains("`" + key + "`");
        }
        Finding f = new Finding(Finding.Kind.ORPHAN, "a", "i", "file:///x", 1, 2, "d", Finding.Action.NONE, null);
        for (String key : AuditCommand.finding(f).keySet()) {
            assertThat(doc).as("finding key %s", key).contains("`" + key + "`");
        }
        for (String key : List.of("location", "store", "size", "checksum", "os_hash_algo", "os_hash_value", "match",
                "consistent")) {
            assertThat(doc).as("verify key %s", key).contains("`" + key + "`");
        }
    }

    @Test
    void everyOptionOfAuditAndVerifyIsDocumented() throws Exception {
        String doc = doc();
        for (Object command : List.of(new AuditCommand(), new VerifyCommand())) {
            for (CommandLine.Model.OptionSpec o : new CommandLine(command).getCommandSpec().options()) {
                if (o.longestName().startsWith("--") && !o.usageHelp() && !o.versionHelp()) {
                    assertThat(doc).as("option %s", o.longestName()).contains(o.longestName());
                }
            }
        }
    }
}
