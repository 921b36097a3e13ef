package org.stowage.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the SPI's public surface in a checked-in text file, {@code spi/api/stowage-spi.api}: every
 * public type with its public and protected members, one per line, sorted. The build fails when the
 * compiled SPI differs from the file, so every SPI change shows up as a diff of that file in review.
 *
 * <p>After an intended change, regenerate the file with
 * {@code mvn -pl spi test -Dtest=SpiSignatureTest -Dspi.signature.update=true} and commit it.
 */
class SpiSignatureTest {
    private static final Path SIGNATURE = Paths.get("api", "stowage-spi.api");
    private static final String PACKAGE = "org.stowage.spi";

    @Test
    void theCheckedInSignatureMatchesTheCompiledSpi() throws IOException {
        String actual = signature();
        if (Boolean.getBoolean("spi.signature.update")) {
            Files.writeString(SIGNATURE, actual, StandardCharsets.UTF_8);
        }
        assertThat(SIGNATURE).as("the SPI signature file (regenerate: mvn -pl spi test -Dtest=SpiSignatureTest "
                + "-Dspi.signature.update=true)").exists();
        String expected = Files.readString(SIGNATURE, StandardCharsets.UTF_8);
        assertThat(actual)
                .as("the SPI changed but %s did not: review the change, then regenerate the file with "
                        + "mvn -pl spi test -Dtest=SpiSignatureTest -Dspi.signature.update=true", SIGNATURE)
                .isEqualTo(expected);
    }

    @Test
    void theSignatureListsTypesMembersAndNestedTypes() throws IOException {
        assertThat(signature().lines())
                .contains("public abstract interface org.stowage.spi.StoreDriver extends java.lang.AutoCloseable",
                        "  public abstract long org.stowage.spi.StoreDriver.size(org.stowage.spi.StoreLocation)",
                        "  public abstract org.stowage.spi.ImageWriter org.stowage.spi.StoreDriver.openWriter(org.stowage.spi.AddRequest)",
                        "  public default org.stowage.spi.StoreHealth org.stowage.spi.StoreStatus.health(java.time.Duration)",
                        "public static final enum org.stowage.spi.StoreHealth$State")
                .noneMatch(l -> l.contains("private "));
    }

    static String signature() throws IOException {
        List<String> lines = new ArrayList<>();
        for (Class<?> type : publicTypes()) {
            lines.add(Modifier.toString(type.getModifiers() & ~Modifier.INTERFACE) + " " + kind(type) + " "
                    + type.getTypeName() + supertypes(type));
            members(type).forEach(m -> lines.add("  " + m));
        }
        return String.join("\n", lines) + "\n";
    }

    private static String kind(Class<?> type) {
        if (type.isAnnotation()) {
            return "@interface";
        }
        if (type.isInterface()) {
            return "interface";
        }
        if (type.isEnum()) {
            return "enum";
        }
        return type.isRecord() ? "record" : "class";
    }

    private static String supertypes(Class<?> type) {
        StringBuilder b = new StringBuilder();
        if (type.getGenericSuperclass() != null && type.getSuperclass() != Object.class && !type.isEnum()
                && !type.isRecord()) {
            b.append(" extends ").append(type.getGenericSuperclass().getTypeName());
        }
        String interfaces = Arrays.stream(type.getGenericInterfaces()).map(java.lang.reflect.Type::getTypeName)
                .collect(Collectors.joining(", "));
        if (!interfaces.isEmpty()) {
            b.append(type.isInterface() ? " extends " : " implements ").append(interfaces);
        }
        return b.toString();
    }

    private static List<String> members(Class<?> type) {
        Stream<Member> all = Stream.of(type.getDeclaredConstructors(), type.getDeclaredMethods(), type.getDeclaredFields())
                .flatMap(Arrays::stream).map(Member.class::cast);
        return all.filter(m -> !m.isSynthetic() && (m.getModifiers() & (Modifier.PUBLIC | Modifier.PROTECTED)) != 0)
                .map(SpiSignatureTest::describe).sorted().collect(Collectors.toList());
    }

    private static String describe(Member m) {
        if (m instanceof Method) {
            return ((Method) m).toGenericString();
        }
        if (m instanceof Constructor) {
            return ((Constructor<?>) m).toGenericString();
        }
        return ((Field) m).toGenericString();
    }

    private static List<Class<?>> publicTypes() throws IOException {
        Path dir = Paths.get("target", "classes", PACKAGE.replace('.', '/'));
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().collect(Collectors.toList())) {
                String name = f.getFileName().toString();
                if (!name.endsWith(".class") || name.equals("package-info.class")) {
                    continue;
                }
                Class<?> c = load(PACKAGE + "." + name.substring(0, name.length() - ".class".length()));
                if (isVisible(c)) {
                    out.add(c);
                }
            }
        }
        out.sort(java.util.Comparator.comparing(Class::getTypeName));
        return out;
    }

    private static boolean isVisible(Class<?> c) {
        for (Class<?> t = c; t != null; t = t.getDeclaringClass()) {
            if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isSynthetic()) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, SpiSignatureTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
