package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.testing.LocalOpenStack;
import picocli.CommandLine;

/**
 * Every code sample of the README and docs/ works as shown. A {@code java} block carries a marker
 * comment saying what it is: {@code <!-- sample: java program (args: CONFIG IMAGE) -->} is a whole
 * program, compiled against the installation's {@code lib/} alone (what an embedder has) and run;
 * {@code <!-- sample: java fragment in NAME (...) -->} is compiled inside
 * {@code src/test/resources/doc-samples/NAME.java}, which declares what it uses. A shell line that
 * runs {@code stowage} must parse as the CLI's arguments; one that runs {@code openstack} is run
 * against the local Keystone + Cinder. The tarball ships every file its Markdown links to.
 */
class DocSamplesIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern FENCE = Pattern.compile(
            "(?m)^(?:[ \\t]*<!-- sample: ([^\\n]*?) -->\\n)?[ \\t]*```(\\w*)\\n(.*?)^[ \\t]*```$", Pattern.DOTALL);
    private static final Pattern FRAGMENT = Pattern.compile("java fragment in (\\w+)\\b.*");

    /** One fenced block: where, its marker (null if none), its language and text. */
    record Block(String where, String marker, String lang, String text) {
    }

    static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> s = Files.walk(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    static List<Block> blocks() throws IOException {
        List<Block> out = new ArrayList<>();
        for (Path doc : documents()) {
            String text = Files.readString(doc);
            Matcher m = FENCE.matcher(text);
            while (m.find()) {
                int line = (int) text.substring(0, m.start(2)).chars().filter(c -> c == '\n').count() + 1;
                out.add(new Block(ROOT.relativize(doc) + ":" + line, m.group(1), m.group(2), m.group(3)));
            }
        }
        return out;
    }

    @Test
    void everyJavaSampleIsMarkedAndCompiles(@TempDir Path tmp) throws Exception {
        List<Block> java = blocks().stream().filter(b -> b.lang().equals("java")).toList();
        assertThat(java).as("java samples found").hasSizeGreaterThanOrEqualTo(3);
        for (Block b : java) {
            assertThat(b.marker()).as("%s: a java sample needs a <!-- sample: ... --> marker", b.where()).isNotNull();
            Path dir = Files.createDirectories(tmp.resolve("s" + Math.abs(b.where().hashCode())));
            Matcher fragment = FRAGMENT.matcher(b.marker());
            if (b.marker().startsWith("java program")) {
                compile(b, dir, className(b) + ".java", b.text(), installationClassPath());
            } else if (fragment.matches()) {
                String context = Files.readString(Path.of("src/test/resources/doc-samples", fragment.group(1) + ".java"));
                assertThat(context).contains("/* SAMPLE */");
                compile(b, dir, fragment.group(1) + ".java", context.replace("/* SAMPLE */", b.text()), testClassPath());
            } else {
                fail("%s: unknown sample marker '%s'", b.where(), b.marker());
            }
        }
    }

    @Test
    void theEmbeddingProgramStoresAndReadsBackAnImage(@TempDir Path tmp) throws Exception {
        Block program = blocks().stream().filter(b -> "java program (args: CONFIG IMAGE)".equals(b.marker()))
                .filter(b -> b.where().startsWith("README.md")).findFirst().orElseThrow();
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        String name = className(program);
        compile(program, classes, name + ".java", program.text(), installationClassPath());
        byte[] image = new byte[300_000];
        new Random(3).nextBytes(image);
        Path imageFile = tmp.resolve("image.bin");
        Files.write(imageFile, image);
        Path dist = Path.of(System.getProperty("stowage.dist", "target/stowage")).toAbsolutePath();
        String fileStore = "[DEFAULT]\nenabled_backends = fast:file\n[glance_store]\ndefault_backend = fast\n"
                + "[fast]\nfilesystem_store_datadir = " + tmp.resolve("images") + "\n";

        // an embedder with the core and the file driver on its class path (Maven dependencies)
        Path conf = tmp.resolve("glance-api.conf");
        Files.writeString(conf, fileStore);
        Run maven = java(classes + File.pathSeparator + testClassPath(), name, conf, imageFile);
        assertThat(maven.code()).as(maven.err()).isZero();
        assertThat(maven.out()).isEqualTo(image);

        // an embedder with the installation's lib/ and its plugins directory
        Path withPlugins = tmp.resolve("with-plugins.conf");
        Files.writeString(withPlugins, fileStore + "[stowage]\nplugins_dir = " + dist.resolve("plugins") + "\n");
        Run tarball = java(classes + File.pathSeparator + installationClassPath(), name, withPlugins, imageFile);
        assertThat(tarball.code()).as(tarball.err()).isZero();
        assertThat(tarball.out()).isEqualTo(image);

        // neither: the start-up error the README quotes
        Run none = java(classes + File.pathSeparator + installationClassPath(), name, conf, imageFile);
        assertThat(none.code()).isNotZero();
        assertThat(none.err()).contains("no driver for type 'file' is installed");
    }

    @Test
    void everyStowageCommandInTheDocsParses() throws Exception {
        List<String> checked = new ArrayList<>();
        for (Block b : blocks()) {
            if (!b.lang().equals("sh")) {
                continue;
            }
            for (String line : commandLines(b.text())) {
                List<String> words = words(line);
                if (words.isEmpty() || !words.get(0).matches("(bin/)?stowage")) {
                    continue;
                }
                String[] args = words.subList(1, words.size()).toArray(new String[0]);
                try {
                    cli().parseArgs(args);
                } catch (CommandLine.ParameterException e) {
                    fail("%s: `%s` does not parse: %s", b.where(), line, e.getMessage());
                }
                checked.add(line);
            }
        }
        assertThat(checked).as("stowage commands found in the docs").hasSizeGreaterThanOrEqualTo(8);
    }

    @Test
    void everyOpenstackCommandInTheDocsWorksWithTheZedClient() throws Exception {
        Path openrc = LocalOpenStack.OPENRC;
        Process start = new ProcessBuilder("bash", "/work/shared/openstack/start-cinder.sh")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(start.waitFor(300, TimeUnit.SECONDS)).as("start-cinder.sh within 300 s").isTrue();
        assumeThat(Files.exists(openrc)).as("the local Keystone + Cinder (%s)", openrc).isTrue();
        int n = 0;
        for (Block b : blocks()) {
            for (String line : b.lang().equals("sh") ? commandLines(b.text()) : List.<String>of()) {
                if (!line.startsWith("openstack ")) {
                    continue;
                }
                String command = line.split("\\|", 2)[0].strip();
                Process p = new ProcessBuilder("sh", "-c", ". " + openrc + " && exec " + command)
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s: %s ends", b.where(), command).isTrue();
                assertThat(p.exitValue()).as("%s: `%s`:\n%s", b.where(), command, out).isZero();
                n++;
            }
        }
        assertThat(n).as("openstack commands found in the docs").isGreaterThanOrEqualTo(2);
    }

    @Test
    void everyRelativeLinkOfTheTarballsMarkdownResolvesInsideIt(@TempDir Path tmp) throws Exception {
        Path tarball;
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            tarball = s.filter(p -> p.getFileName().toString().matches("stowage-.*\\.tar\\.gz")).findFirst().orElseThrow();
        }
        Process tar = new ProcessBuilder("tar", "xzf", tarball.toAbsolutePath().toString(), "-C", tmp.toString())
                .redirectErrorStream(true).start();
        assertThat(tar.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).isZero();
        Path top;
        try (Stream<Path> s = Files.list(tmp)) {
            top = s.findFirst().orElseThrow();
        }
        List<Path> markdown;
        try (Stream<Path> s = Files.walk(top)) {
            markdown = s.filter(p -> p.toString().endsWith(".md")).toList();
        }
        assertThat(markdown).contains(top.resolve("README.md"));
        assertThat(top.resolve("docs/dev/helpers.md")).doesNotExist();
        List<String> broken = new ArrayList<>();
        int links = 0;
        Pattern link = Pattern.compile("\\]\\(([^)\\s]+)\\)");
        for (Path md : markdown) {
            Matcher m = link.matcher(Files.readString(md));
            while (m.find()) {
                String target = m.group(1).replaceFirst("#.*", "");
                if (target.isEmpty() || target.matches("[a-z][a-z0-9+.-]*:.*")) {
                    continue;
                }
                links++;
                Path resolved = md.getParent().resolve(target).normalize();
                if (!resolved.startsWith(top) || !Files.exists(resolved)) {
                    broken.add(top.relativize(md) + " -> " + m.group(1));
                }
            }
        }
        assertThat(links).as("relative links checked").isGreaterThanOrEqualTo(10);
        assertThat(broken).as("links of the unpacked tarball that lead nowhere").isEmpty();
    }

    // ------------------------------------------------------------------------------------------

    /** The public class a program sample declares. */
    private static String className(Block b) {
        Matcher m = Pattern.compile("public (?:final )?class (\\w+)").matcher(b.text());
        assertThat(m.find()).as("%s: a program sample declares a public class", b.where()).isTrue();
        return m.group(1);
    }

    private static void compile(Block b, Path dir, String file, String source, String classPath) throws IOException {
        Path src = dir.resolve(file);
        Files.writeString(src, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean ok = javac.getTask(diagnostics, null, null,
                List.of("-proc:none", "--release", "17", "-Xlint:none", "-cp", classPath, "-d", dir.toString()),
                null, javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(src.toFile()))
                .call();
        assertThat(ok).as("%s (%s) compiles:\n%s", b.where(), b.marker(), diagnostics).isTrue();
    }

    /** The installation's lib/ jars (core and its dependencies, no driver), as an embedder has them from the tarball. */
    private static String installationClassPath() throws IOException {
        Path lib = Path.of(System.getProperty("stowage.dist", "target/stowage")).toAbsolutePath().resolve("lib");
        try (Stream<Path> s = Files.list(lib)) {
            return s.filter(p -> p.toString().endsWith(".jar")).sorted().map(Path::toString)
                    .collect(Collectors.joining(File.pathSeparator));
        }
    }

    private static String testClassPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    record Run(int code, byte[] out, String err) {
    }

    private static Run java(String classPath, String main, Path... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, main));
        Stream.of(args).map(Path::toString).forEach(cmd::add);
        Path out = Files.createTempFile("sample", ".out");
        Path err = Files.createTempFile("sample", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("%s did not end within 120 s", main);
        }
        Run r = new Run(p.exitValue(), Files.readAllBytes(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    /** The command lines of a shell block: continuations joined, comments and redirections cut. */
    static List<String> commandLines(String block) {
        String joined = block.replace("\\\n", " ");
        List<String> out = new ArrayList<>();
        for (String raw : joined.split("\n")) {
            String line = raw.replaceFirst("\\s+#.*$", "").replaceFirst("^\\s*(\\$\\s+)?", "").strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                out.add(line);
            }
        }
        return out;
    }

    /**
     * A line's words up to its first pipe, list operator or redirection (a word starting with
     * {@code <} or {@code >}), with single and double quotes honoured; {@code <id>} inside a word stays.
     */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = null;
        char quote = 0;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                w = w == null ? new StringBuilder() : w;
            } else if (Character.isWhitespace(c)) {
                if (w != null) {
                    words.add(w.toString());
                    w = null;
                }
            } else if (c == '|' || c == ';' || c == '&' || (w == null && (c == '>' || c == '<'))) {
                break;
            } else {
                w = w == null ? new StringBuilder().append(c) : w.append(c);
            }
        }
        if (w != null && quote == 0) {
            words.add(w.toString());
        }
        return words;
    }

    /** The CLI's command line with every subcommand, as {@link Main} builds it. */
    @SuppressWarnings("unchecked")
    private static CommandLine cli() throws ReflectiveOperationException {
        Field f = Main.class.getDeclaredField("SUBCOMMANDS");
        f.setAccessible(true);
        CommandLine cl = new CommandLine(new StowageCommand());
        ((Map<String, Supplier<Object>>) f.get(null)).forEach((name, make) -> cl.addSubcommand(name, make.get()));
        return cl;
    }
}
