package org.stowage.testing;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where reliability tests record what they observed, so that {@code docs/reliability.md} is
 * produced by the suite, not written by hand. Each module's tests append JSON lines to
 * {@code target/reliability/records.jsonl} (or {@code -Dstowage.reliability.dir}); the
 * {@code reliability} module, last in the build, gathers every module's records into the report.
 *
 * <p>Record only after the assertions of the test passed: a row in the report means the test
 * checked it.
 */
public final class ReliabilityRecorder {
    private ReliabilityRecorder() {
    }

    /**
     * One row of the fault matrix.
     *
     * @param area             {@code file}, {@code cinder}, {@code http}, {@code process}, ...
     * @param fault            what was injected, e.g. "disk full on the last chunk"
     * @param injectedAt       where and how, e.g. "tmpfs size=2m" or "loopback proxy: 503 on POST /attachments"
     * @param observedError    the error the caller saw (kind and message)
     * @param leftoversAfter   what was left in the backend right after the failure (empty = nothing)
     * @param leftoversAfterGc what was left after {@code stowage gc}, or null if gc was not needed
     */
    public static void fault(String area, String fault, String injectedAt, String observedError,
            List<String> leftoversAfter, List<String> leftoversAfterGc) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "fault");
        m.put("area", area);
        m.put("fault", fault);
        m.put("injected_at", injectedAt);
        m.put("observed_error", observedError);
        m.put("leftovers_after_test", List.copyOf(leftoversAfter));
        if (leftoversAfterGc != null) {
            m.put("leftovers_after_gc", List.copyOf(leftoversAfterGc));
        }
        write(m);
    }

    /** A load figure, e.g. ("file", "32 concurrent adds of 4 MiB", "wall 1.9 s, 67 MiB/s, all intact"). */
    public static void load(String area, String scenario, String figures) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "load");
        m.put("area", area);
        m.put("scenario", scenario);
        m.put("figures", figures);
        write(m);
    }

    /** One bad-input case and the message it produced. */
    public static void badInput(String area, String input, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "bad_input");
        m.put("area", area);
        m.put("input", input);
        m.put("message", message);
        write(m);
    }

    /** A property-based test and how many generated cases it ran. */
    public static void property(String area, String property, int tries) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "property");
        m.put("area", area);
        m.put("property", property);
        m.put("tries", tries);
        write(m);
    }

    /** A secret a test used, so the final scan can look for it in every log and output. */
    public static void secretUsed(String secret) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "secret");
        m.put("sha256", sha256(secret));
        write(m);
        try {
            Path f = dir().resolve("secrets.txt");
            Files.createDirectories(f.getParent());
            Files.writeString(f, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path dir() {
        return Path.of(System.getProperty("stowage.reliability.dir", "target/reliability"));
    }

    private static synchronized void write(Map<String, Object> record) {
        try {
            Path f = dir().resolve("records.jsonl");
            Files.createDirectories(f.getParent());
            Files.writeString(f, ConfigValueFactory.fromMap(record).render(ConfigRenderOptions.concise()) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
