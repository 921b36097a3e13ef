package org.stowage.core.internal.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.Extension;
import org.pf4j.ExtensionPoint;
import org.stowage.core.FakeDriverFactory;
import org.stowage.core.Stowage;
import org.stowage.core.config.ConfigFiles;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreDriver;

/**
 * A driver finds the implementations of its own extension points (as cinder finds volume
 * connectors) through {@link StoreContext#extensions}, without the plugin manager: from its plugin
 * and the plugins that depend on it, or every one PF4J knows for a driver on the classpath.
 */
class PluginExtensionsTest {
    private static final String RESERVED = "[os_glance_staging_store]\nschemes = staging\n"
            + "[os_glance_tasks_store]\nschemes = tasks\n";

    /** An extension point of a driver on the classpath. */
    public interface Greeter extends ExtensionPoint {
        String greet();
    }

    /** Found on the test classpath through the extensions index the PF4J annotation processor writes. */
    @Extension
    public static class Hello implements Greeter {
        @Override
        public String greet() {
            return "hello";
        }
    }

    /** The in-memory driver, remembering the context each store got. */
    static final class CapturingFactory extends FakeDriverFactory {
        final Map<String, StoreContext> contexts = new ConcurrentHashMap<>();

        CapturingFactory() {
            super("mem");
        }

        @Override
        public StoreDriver create(StoreContext context) {
            contexts.put(context.storeId(), context);
            return super.create(context);
        }
    }

    @Test
    void aDriverOnTheClasspathGetsEveryExtensionOfItsType() {
        CapturingFactory f = new CapturingFactory();
        try (Stowage s = Stowage.builder().config(ConfigFiles.parse("glance-api.conf",
                "[DEFAULT]\nenabled_backends = a:mem\n[glance_store]\ndefault_backend = a\n" + RESERVED))
                .pluginsDir(null).addFactory(f).addFactory(new FakeDriverFactory("file")).build()) {
            List<Greeter> found = f.contexts.get("a").extensions(Greeter.class);
            assertThat(found).extracting(Greeter::greet).containsExactly("hello");
            assertThat(f.contexts.get("a").extensions(Runnable.class)).isEmpty();
        }
    }

    @Test
    void aPluginDriverGetsTheExtensionsOfItsPluginAndOfThePluginsThatDependOnIt(@TempDir Path work) throws IOException {
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        Path base = compileBase(work);
        TestPlugins.pluginDir(plugins.resolve("base-plugin"), "base-plugin", base);
        Path addon = TestPlugins.compile(work, "addon", "Bonjour", "package addon;\n"
                + "@org.pf4j.Extension public class Bonjour implements base.Greeter {\n"
                + "  public String greet() { return \"bonjour\"; } }\n", base);
        Path addonDir = TestPlugins.pluginDir(plugins.resolve("addon-plugin"), "addon-plugin", addon);
        Files.writeString(addonDir.resolve("plugin.properties"),
                "plugin.id=addon-plugin\nplugin.version=1.0.0\nplugin.dependencies=base-plugin\n");
        try (Stowage s = Stowage.builder().config(ConfigFiles.parse("glance-api.conf",
                "[DEFAULT]\nenabled_backends = b:base\n[glance_store]\ndefault_backend = b\n" + RESERVED))
                .pluginsDir(plugins).addFactory(new FakeDriverFactory("file")).build()) {
            assertThat(s.store("b").failure()).isEmpty();
            assertThat(s.store("b").properties()).containsEntry("greetings", List.of("hello", "bonjour"));
        }
    }

    /**
     * Plugin {@code base}: the extension point {@code base.Greeter}, one implementation, and a
     * driver whose properties list the greetings of every greeter its context finds.
     */
    private static Path compileBase(Path work) throws IOException {
        Path classes = TestPlugins.compile(work, "base", "Greeter", "package base;\n"
                + "public interface Greeter extends org.pf4j.ExtensionPoint { String greet(); }\n");
        TestPlugins.compile(work, "base", "Hello", "package base;\n"
                + "@org.pf4j.Extension public class Hello implements Greeter {\n"
                + "  public String greet() { return \"hello\"; } }\n", classes);
        TestPlugins.compile(work, "base", "Factory", "package base;\n"
                + "import org.stowage.spi.*;\n"
                + "public class Factory implements StoreDriverFactory {\n"
                + "  public String type() { return \"base\"; }\n"
                + "  public java.util.List<OptionSpec> options() { return java.util.List.of(); }\n"
                + "  public StoreDriver create(StoreContext c) {\n"
                + "    java.util.List<String> greetings = new java.util.ArrayList<>();\n"
                + "    for (Greeter g : c.extensions(Greeter.class)) { greetings.add(g.greet()); }\n"
                + "    return new StoreDriver() {\n"
                + "      public LocationCodec locations() { return new LocationCodec() {\n"
                + "        public java.util.Set<String> schemes() { return java.util.Set.of(\"base\"); }\n"
                + "        public java.util.List<String> prefixes() { return java.util.List.of(\"base://\" + c.storeId()); }\n"
                + "        public StoreLocation parse(String uri) { throw StoreException.badStoreUri(uri); } }; }\n"
                + "      public Capabilities capabilities() { return Capabilities.READ_ONLY; }\n"
                + "      public ImageWriter openWriter(AddRequest r) { throw StoreException.storeAddDisabled(r.imageId()); }\n"
                + "      public ImageStream get(StoreLocation l, long o, long n) { throw StoreException.notFound(l.uri()); }\n"
                + "      public long size(StoreLocation l) { throw StoreException.notFound(l.uri()); }\n"
                + "      public void delete(StoreLocation l) { throw StoreException.notFound(l.uri()); }\n"
                + "      public StoreStatus status() { return new StoreStatus() {\n"
                + "        public java.util.Map<String, Object> properties() { return java.util.Map.of(\"greetings\", greetings); } }; }\n"
                + "      public void close() { } }; } }\n", classes);
        Files.writeString(classes.resolve("META-INF/extensions.idx"), "base.Hello\nbase.Factory\n");
        return classes;
    }
}
