package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.cli.StowageCli.Result;

/**
 * bin/stowage with broken plugins next to the installed ones, as an operator would drop them in
 * plugins/: drivers whose constructor, static initializer or {@code options()} throws. Each costs
 * only its own type, with the reason; commands that do not use it work and exit 0, with or without
 * {@code --debug}, and no stack trace is printed. A relative {@code --plugins-dir} works.
 */
class PluginFailuresIT {
    static Path home;
    static Path work;
    static Path conf;

    @BeforeAll
    static void installBrokenPlugins(@TempDir Path tmp) throws IOException {
        home = StowageCli.unpack(tmp);
        work = Files.createDirectories(tmp.resolve("work"));
        Path plugins = home.resolve("plugins");
        plugin(tmp, plugins, "ctor", "public Factory() { throw new IllegalStateException(\"ctor boom\"); }",
                "return java.util.List.of();");
        plugin(tmp, plugins, "clinit", "static { if (true) { throw new IllegalStateException(\"clinit boom\"); } }",
                "return java.util.List.of();");
        plugin(tmp, plugins, "opts", "", "throw new IllegalStateException(\"options boom\");");
        conf = Files.writeString(work.resolve("glance-api.conf"), "[glance_store]\nstores = file\ndefault_store = file\n"
                + "filesystem_store_datadir = " + work.resolve("images") + "\n");
    }

    /** A plugin directory {@code <type>-plugin} whose driver factory of type {@code type} has {@code members}. */
    static void plugin(Path tmp, Path plugins, String type, String members, String optionsBody) throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src-" + type + "/" + type)).resolve("Factory.java");
        Files.writeString(src, "package " + type + ";\n"
                + "public class Factory implements org.stowage.spi.StoreDriverFactory {\n" + members + "\n"
                + "  public String type() { return \"" + type + "\"; }\n"
                + "  public java.util.List<org.stowage.spi.OptionSpec> options() { " + optionsBody + " }\n"
                + "  public org.stowage.spi.StoreDriver create(org.stowage.spi.StoreContext c) {\n"
                + "    throw new UnsupportedOperationException(); }\n}\n");
        Path dir = plugins.resolve(type + "-plugin");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, "--release", "17", "-proc:none", "-classpath",
                System.getProperty("java.class.path"), "-d", classes.toString(), src.toString())).isZero();
        Files.createDirectories(classes.resolve("META-INF"));
        Files.writeString(classes.resolve("META-INF/extensions.idx"), type + ".Factory\n");
        Files.writeString(dir.resolve("plugin.properties"), "plugin.id=" + type + "-plugin\nplugin.version=1.0.0\n");
    }

    static Result run(String... args) throws Exception {
        return StowageCli.run(home, work, Map.of(), args);
    }

    /** No stack trace, no JVM error: each problem is one line. */
    static void assertNoTrace(Result r) {
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception in thread")
                .doesNotContain("NoClassDefFoundError").doesNotContain("ConcurrentModificationException")
                .doesNotContain("InternalError");
    }

    @Test
    void driversListsTheGoodTypesAndNamesEachBrokenPlugin() throws Exception {
        for (String[] args : List.of(new String[] {"drivers"}, new String[] {"--debug", "drivers"})) {
            Result r = run(args);
            assertThat(r.code()).as("%s: %s", List.of(args), r.err()).isZero();
            assertThat(r.out()).containsPattern("(?m)^file +").containsPattern("(?m)^http +")
                    .containsPattern("(?m)^cinder +").containsPattern("(?m)^opts +unusable: ").contains("options boom")
                    .doesNotContainPattern("(?m)^ctor ").doesNotContainPattern("(?m)^clinit ");
            assertThat(r.err()).contains("ctor.Factory").contains("IllegalStateException: ctor boom")
                    .contains("clinit.Factory").contains("static initializer threw IllegalStateException: clinit boom");
            if (args.length == 1) {
                assertNoTrace(r);
            } else {
                assertThat(r.err()).doesNotContain("NoClassDefFoundError").doesNotContain("ConcurrentModificationException")
                        .doesNotContain("unloading plugins failed");
            }
        }
    }

    @Test
    void configSampleLeavesTheBrokenTypesOut() throws Exception {
        Result r = run("config", "sample");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("[my_file]").doesNotContain("my_opts").doesNotContain("my_ctor");
        assertNoTrace(r);
        Result only = run("config", "sample", "--type", "opts");
        assertThat(only.err()).contains("the driver for type 'opts'").contains("options boom");
        assertNoTrace(only);
    }

    @Test
    void aConfigurationThatDoesNotUseTheBrokenTypesWorks() throws Exception {
        for (String[] args : List.of(new String[] {"--config", conf.toString(), "stores"},
                new String[] {"--debug", "--config", conf.toString(), "stores"},
                new String[] {"--config", conf.toString(), "config", "check"})) {
            Result r = run(args);
            assertThat(r.code()).as("%s: %s", List.of(args), r.err()).isZero();
            assertThat(r.out()).contains("file");
            assertThat(r.err()).doesNotContain("NoClassDefFoundError").doesNotContain("ConcurrentModificationException")
                    .doesNotContain("unloading plugins failed").doesNotContain("Exception in thread");
        }
    }

    @Test
    void aStoreOfATypeWhoseOptionsFailIsUnavailableWithTheReason() throws Exception {
        Path both = Files.writeString(work.resolve("both.conf"), Files.readString(conf)
                .replace("stores = file", "stores = file, opts"));
        Result r = run("--config", both.toString(), "stores", "-f", "value", "-c", "id", "-c", "status");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines().filter(l -> l.startsWith("opts "))).singleElement().asString()
                .contains("options() failed: IllegalStateException: options boom");
        assertNoTrace(r);
    }

    @Test
    void aRelativePluginsDirectoryWorks(@TempDir Path tmp) throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        try (Stream<Path> s = Files.walk(home.resolve("plugins/stowage-driver-file"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = plugins.resolve(home.resolve("plugins").relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        for (String[] args : List.of(new String[] {"--plugins-dir", "plugins", "drivers"},
                new String[] {"--plugins-dir", "plugins", "config", "sample"},
                new String[] {"--plugins-dir", "plugins", "--config", conf.toString(), "stores"},
                new String[] {"--plugins-dir", "plugins", "--config", conf.toString(), "stores"})) {
            Result r = StowageCli.run(home, tmp, Map.of(), args);
            assertThat(r.code()).as("%s: %s", List.of(args), r.err()).isZero();
            assertThat(r.out()).contains("file");
            assertNoTrace(r);
        }
        assertThat(plugins.resolve(".stowage-driver-index")).as("nothing is written into the plugins directory")
                .doesNotExist();
    }
}
