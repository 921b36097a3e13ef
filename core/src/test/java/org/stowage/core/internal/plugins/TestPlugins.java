package org.stowage.core.internal.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Real PF4J plugins for tests: a driver factory compiled from source, laid out as a plugin directory. */
final class TestPlugins {
    private TestPlugins() {
    }

    /**
     * Compiles {@code pkg.Cls} from {@code source} into {@code work/classes-<pkg>} with a PF4J
     * extensions index naming it, and returns that classes directory.
     */
    static Path compile(Path work, String pkg, String cls, String source) throws IOException {
        return compile(work, pkg, cls, source, null);
    }

    /** As {@link #compile(Path, String, String, String)}, with {@code extraClasses} (if not null) on the class path. */
    static Path compile(Path work, String pkg, String cls, String source, Path extraClasses) throws IOException {
        Path src = Files.createDirectories(work.resolve("src-" + pkg).resolve(pkg)).resolve(cls + ".java");
        Files.writeString(src, source);
        Path classes = Files.createDirectories(work.resolve("classes-" + pkg));
        String classPath = System.getProperty("java.class.path")
                + (extraClasses == null ? "" : File.pathSeparator + extraClasses);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "--release", "17", "-proc:none", "-classpath",
                classPath, "-d", classes.toString(), src.toString());
        assertThat(rc).as("javac %s", src).isZero();
        Files.createDirectories(classes.resolve("META-INF"));
        Files.writeString(classes.resolve("META-INF/extensions.idx"), pkg + "." + cls + "\n");
        return classes;
    }

    /**
     * A driver factory of type {@code type} in package {@code type}: {@code members} is added to
     * the class (a constructor, a static initializer) and {@code optionsBody} is the body of its
     * {@code options()}.
     */
    static Path compileDriver(Path work, String type, String members, String optionsBody) throws IOException {
        return compile(work, type, "Factory", "package " + type + ";\n"
                + "public class Factory implements org.stowage.spi.StoreDriverFactory {\n"
                + members + "\n"
                + "  public String type() { return \"" + type + "\"; }\n"
                + "  public java.util.List<org.stowage.spi.OptionSpec> options() { " + optionsBody + " }\n"
                + "  public org.stowage.spi.StoreDriver create(org.stowage.spi.StoreContext c) {\n"
                + "    throw new UnsupportedOperationException(); }\n}\n");
    }

    /** The classes in {@code classes} as plugin {@code id}, a directory at {@code dir}. */
    static Path pluginDir(Path dir, String id, Path classes) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("plugin.properties"), "plugin.id=" + id + "\nplugin.version=1.0.0\n");
        try (Stream<Path> s = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = dir.resolve("classes").resolve(classes.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return dir;
    }
}
