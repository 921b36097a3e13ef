package org.stowage.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The output options of every listing and show command, as the {@code openstack} CLI (cliff) has
 * them: {@code -f/--format}, {@code -c/--column} (repeatable), {@code --noindent}; and
 * {@code --json}, which scripts passed before {@code -f} existed: the JSON of {@code -f json
 * --noindent}, on one line.
 */
final class OutputOptions {
    /** The output formats. */
    enum Format {
        TABLE, JSON, VALUE, CSV, YAML;

        /** The names {@code -f} takes. */
        static String names() {
            return List.of(values()).stream().map(f -> f.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
        }
    }

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;
    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", converter = FormatConverter.class,
            description = "Output format: table (default), json, value, csv or yaml.")
    Format format;
    @Option(names = {"-c", "--column"}, paramLabel = "COLUMN", description = "Only this column (repeatable: the "
            + "columns in the order given); see docs/output-formats.md for each command's columns.")
    List<String> columns = new ArrayList<>();
    @Option(names = "--noindent", description = "With -f json: the JSON on one line.")
    boolean noindent;
    @Option(names = "--json", description = "The same as -f json --noindent.")
    boolean json;
    /** The format without {@code -f} nor {@code --json}: a table but for commands whose output was always JSON. */
    private Format fallback = Format.TABLE;

    /** This command's format when none is asked for: {@code JSON} (on one line) for those that always printed JSON. */
    OutputOptions byDefault(Format f) {
        fallback = f;
        return this;
    }

    /** The format asked for: {@code -f}, else JSON with {@code --json}, else a table. */
    Format format() {
        if (format != null) {
            return format;
        }
        return json ? Format.JSON : fallback;
    }

    /** Whether the output is JSON (by {@code -f json} or {@code --json}). */
    boolean isJson() {
        return format() == Format.JSON;
    }

    /** Whether JSON goes on one line: {@code --noindent}; or JSON by {@code --json} or by default, without {@code -f}. */
    boolean noindentAsked() {
        return noindent || format == null && (json || fallback == Format.JSON);
    }

    /** {@code listing} in the format asked for, without a final newline. */
    String render(Listing listing) {
        Format f = format();
        return Formatter.render(listing, f, selected(listing.columns(), f), noindentAsked(), Terminals.width());
    }

    /** Prints {@code listing} in the format asked for on the command's standard output, flushed. */
    void print(Listing listing) {
        PrintWriter out = mixee.commandLine().getOut();
        out.println(render(listing));
        out.flush();
    }

    /**
     * The columns {@code -c} names, in its order; without {@code -c}, every column for JSON and
     * YAML, those a table shows for the other formats. A name that is no column is a usage error
     * naming the columns there are.
     */
    List<Column> selected(List<Column> all, Format f) {
        if (columns.isEmpty()) {
            return f == Format.JSON || f == Format.YAML ? all : all.stream().filter(Column::inTable).toList();
        }
        List<Column> chosen = new ArrayList<>();
        for (String name : columns) {
            Column c = all.stream().filter(x -> x.named(name)).findFirst().orElseThrow(() -> new ParameterException(
                    mixee.commandLine(), "-c/--column '" + name + "': no such column of '" + mixee.qualifiedName()
                            + "'; expected one of: " + all.stream().map(Column::name).collect(Collectors.joining(", "))));
            if (!chosen.contains(c)) {
                chosen.add(c);
            }
        }
        return chosen;
    }

    /** {@code -f}: a format's name, in any case. */
    static final class FormatConverter implements ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            for (Format f : Format.values()) {
                if (f.name().equalsIgnoreCase(value.trim())) {
                    return f;
                }
            }
            throw new TypeConversionException("'" + value + "' is not an output format: expected one of " + Format.names());
        }
    }
}
