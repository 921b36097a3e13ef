package org.stowage.core.properties;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Core's twin of {@code org.stowage.tck.reliability.ReliabilityRecorder} (core cannot depend on
 * the tck): the same JSON lines in {@code target/reliability/records.jsonl}, gathered by the
 * reliability module into docs/reliability.md, and the secrets for its scan.
 */
public final class Records {
    private Records() {
    }

    /** A property-based test and how many generated cases it ran. */
    public static void property(String area, String property, int tries) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "property");
        m.put("area", area);
        m.put("property", property);
        m.put("tries", tries);
        write("records.jsonl", ConfigValueFactory.fromMap(m).render(ConfigRenderOptions.concise()));
    }

    /** A secret a test used, for the final scan (same files as the tck recorder). */
    public static void secretUsed(String secret) {
        write("secrets.txt", secret);
    }

    private static synchronized void write(String file, String line) {
        try {
            Path f = Path.of(System.getProperty("stowage.reliability.dir", "target/reliability")).resolve(file);
            Files.createDirectories(f.getParent());
            Files.writeString(f, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
