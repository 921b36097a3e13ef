package org.stowage.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.stowage.cli.Main;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Build-time generator of the completion scripts and the man pages, from the command model the
 * program runs ({@link Main#commandModel()}). Run by the distribution's pom:
 * {@code generate DIR} writes DIR/bash/stowage (picocli's bash completion), DIR/zsh/_stowage (the
 * same script loaded through zsh's bashcompinit) and DIR/adoc/stowage*.adoc (picocli's man page
 * AsciiDoc, converted to troff by asciidoctor's manpage backend); {@code gzip SRC DEST} compresses
 * every troff page of SRC into DEST as Debian wants them (gzip -9n: no name, no time stamp), so the
 * tarball and the package ship the same bytes on every build.
 */
public final class CommandDocs {
    /** The command name the scripts complete. */
    public static final String COMMAND = "stowage";

    private CommandDocs() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 2 && args[0].equals("generate")) {
            generate(Path.of(args[1]));
        } else if (args.length == 3 && args[0].equals("gzip")) {
            gzipPages(Path.of(args[1]), Path.of(args[2]));
        } else {
            throw new IllegalArgumentException("usage: CommandDocs generate DIR | gzip TROFF_DIR DEST_DIR; got "
                    + List.of(args));
        }
    }

    /** Writes the completion scripts and the man pages' AsciiDoc under {@code dir}. */
    public static void generate(Path dir) throws IOException {
        CommandLine model = Main.commandModel();
        // sourced, never run: no #! line (lintian: bash-completion-with-hashbang)
        String bash = AutoComplete.bash(COMMAND, model).replaceFirst("\\A#![^\n]*\n", "");
        write(dir.resolve("bash").resolve(COMMAND), bash);
        write(dir.resolve("zsh").resolve("_" + COMMAND), zsh(bash));
        Path adoc = dir.resolve("adoc");
        Files.createDirectories(adoc);
        int rc = ManPageGenerator.generateManPage(adoc.toFile(), null, new boolean[0], true, model.getCommandSpec());
        if (rc != 0) {
            throw new IOException("picocli's ManPageGenerator failed with exit code " + rc + " writing " + adoc);
        }
    }

    /**
     * zsh's completion function {@code _stowage}: picocli's documented way, the bash script run
     * through bashcompinit (the script's own zsh prologue loads it, and compinit only if it is not
     * loaded yet). zsh autoloads this file on the first completion of {@code stowage}; its body
     * defines the bash functions, whose {@code complete} re-binds the command to them, and then
     * answers that first request too. bash's {@code compopt} is a no-op function here (the
     * script's zsh alias of it is made only after its functions were read).
     */
    static String zsh(String bash) {
        return "#compdef " + COMMAND + "\n"
                + "# zsh completion for " + COMMAND + ", generated at build time from its command model:\n"
                + "# picocli's bash completion, loaded through bashcompinit.\n"
                + "# compopt is bash's; the script's alias of it would come too late for the functions of this\n"
                + "# file, which zsh reads whole before running it (the alias made it a no-op anyway).\n"
                + "compopt() { :; }\n"
                + bash + (bash.endsWith("\n") ? "" : "\n")
                + "# the first request, which autoloaded this file\n"
                + "_bash_complete -F _complete_" + COMMAND + "\n";
    }

    /** gzip -9n of every file of {@code troff} into {@code dest} as NAME.gz. */
    public static void gzipPages(Path troff, Path dest) throws IOException {
        Files.createDirectories(dest);
        List<Path> pages = new ArrayList<>();
        try (Stream<Path> s = Files.list(troff)) {
            s.filter(Files::isRegularFile).sorted().forEach(pages::add);
        }
        if (pages.isEmpty()) {
            throw new IOException("no man page in " + troff + ": expected asciidoctor's troff output there");
        }
        for (Path p : pages) {
            try (InputStream in = Files.newInputStream(p);
                    OutputStream out = new BestGzip(Files.newOutputStream(dest.resolve(p.getFileName() + ".gz")))) {
                in.transferTo(out);
            }
        }
    }

    /**
     * gzip -9n, byte for byte as gzip writes it: no name, a zero time stamp, the best-compression
     * flag (XFL 2) and OS 3 (Unix) in the header, which lintian checks (java.util.zip's
     * GZIPOutputStream writes XFL 0, OS 0: "poor-compression-in-manual-page").
     */
    private static final class BestGzip extends DeflaterOutputStream {
        private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, 3};
        private final CRC32 crc = new CRC32();

        BestGzip(OutputStream out) throws IOException {
            super(out, new Deflater(Deflater.BEST_COMPRESSION, true), 8192);
            out.write(HEADER);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            super.write(b, off, len);
            crc.update(b, off, len);
        }

        @Override
        public void finish() throws IOException {
            super.finish();
            ByteBuffer trailer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            trailer.putInt((int) crc.getValue()).putInt((int) def.getBytesRead());
            out.write(trailer.array());
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                def.end();
            }
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
