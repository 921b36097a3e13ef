package org.stowage.dist;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What the completion and the man pages must hold, derived from the live command model: every
 * (visible) command and every name of every (visible) option, nothing listed by hand, so options
 * added later are checked as they come.
 */
final class CommandDocsChecks {
    private CommandDocsChecks() {
    }

    /**
     * The problems of {@code bash} (picocli's completion script) and of the man pages
     * ({@code manPage}: the page's text by page name such as {@code stowage-stores-drain}, or null
     * when there is no such page) against {@code model}; empty when they describe it all.
     */
    static List<String> problems(CommandLine model, String bash, Function<String, String> manPage) {
        List<String> problems = new ArrayList<>();
        check(model, bash, manPage, problems);
        return problems;
    }

    private static void check(CommandLine cl, String bash, Function<String, String> manPage, List<String> problems) {
        CommandSpec spec = cl.getCommandSpec();
        String qualified = spec.qualifiedName(" ");
        String page = spec.qualifiedName("-");
        String function = bashFunction(bash, "_picocli_" + spec.qualifiedName("_"));
        String man = manPage.apply(page);
        if (function == null) {
            problems.add("bash completion: no function for '" + qualified + "'");
        }
        if (man == null) {
            problems.add("man pages: no page " + page + " for '" + qualified + "'");
        }
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            for (String name : o.names()) {
                if (function != null && !function.contains("'" + name + "'")) {
                    problems.add("bash completion of '" + qualified + "' lacks option " + name);
                }
                if (man != null && !man.contains(name)) {
                    problems.add("man page " + page + " lacks option " + name);
                }
            }
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().usageMessage().hidden()) {
                continue;
            }
            String name = sub.getCommandName();
            if (function != null && !commandsOf(function).contains(name)) {
                problems.add("bash completion of '" + qualified + "' does not offer subcommand " + name);
            }
            if (man != null && !man.contains(name)) {
                problems.add("man page " + page + " does not list subcommand " + name);
            }
            check(sub, bash, manPage, problems);
        }
    }

    /** The body of bash function {@code name}, or null. */
    static String bashFunction(String bash, String name) {
        int start = bash.indexOf("function " + name + "() {");
        if (start < 0) {
            return null;
        }
        int end = bash.indexOf("\n}\n", start);
        return end < 0 ? bash.substring(start) : bash.substring(start, end);
    }

    private static List<String> commandsOf(String function) {
        for (String line : function.split("\n")) {
            String t = line.trim();
            if (t.startsWith("local commands=\"")) {
                return List.of(t.substring("local commands=\"".length(), t.length() - 1).split(" "));
            }
        }
        return List.of();
    }

    /** A troff page as text: font changes, escaped hyphens and zero-width spaces removed. */
    static String troffText(String troff) {
        return troff.replaceAll("\\\\f[BIRP]", "").replaceAll("\\\\f\\[[A-Z]*\\]", "")
                .replace("\\-", "-").replace("\\(hy", "-").replace("\\&", "");
    }
}
