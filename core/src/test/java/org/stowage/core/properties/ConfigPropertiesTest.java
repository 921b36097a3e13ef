package org.stowage.core.properties;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.stowage.core.config.ConfigFiles;
import org.stowage.core.config.OsloIni;
import org.stowage.core.config.StowageConfig;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreSettings;
import org.stowage.testing.ReliabilityRecorder;

/**
 * Arbitrary input to the configuration readers gives a result or a documented error
 * (StoreException), never another exception and never a hang.
 */
class ConfigPropertiesTest {
    private static final Map<String, AtomicInteger> TRIES =
            new ConcurrentHashMap<>();
    private static final Set<String> FAILED = ConcurrentHashMap.newKeySet();

    /** Counts a try of {@code property} and runs it; a failure keeps the property out of the report. */
    static void tried(String property, Runnable body) {
        TRIES.computeIfAbsent(property, k -> new AtomicInteger()).incrementAndGet();
        try {
            body.run();
        } catch (RuntimeException | AssertionError e) {
            FAILED.add(property);
            throw e;
        }
    }

    @net.jqwik.api.lifecycle.AfterContainer
    static void record() {
        for (Map.Entry<String, AtomicInteger> e : new TreeMap<>(TRIES).entrySet()) {
            if (!FAILED.contains(e.getKey())) {
                ReliabilityRecorder.property("config", e.getKey(), e.getValue().get());
            }
        }
    }

    /** Runs {@code body} with a time limit; any exception other than the documented one fails. */
    static void resultOrDocumentedError(Runnable body) {
        CompletableFuture<Void> f = CompletableFuture.runAsync(() -> {
            try {
                body.run();
            } catch (StoreException expected) {
                if (expected.kind() != ErrorKind.BAD_STORE_CONFIGURATION) {
                    throw expected;
                }
                assertThat(expected.getMessage()).isNotBlank();
            }
        });
        try {
            f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("undocumented exception: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("hang: no result within 5 s");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Provide
    Arbitrary<String> iniText() {
        Arbitrary<String> line = Arbitraries.oneOf(
                Arbitraries.strings().withChars("[]=:#; \t\"'$ {}.abcDEF_019\\").ofMaxLength(30),
                Arbitraries.of("[DEFAULT]", "[glance_store]", "[fast]", "enabled_backends = fast:file, slow:file",
                        "default_backend = fast", "  continued", "\tcontinued", "", "# comment", "; comment",
                        "key = $key", "x = ${fast.y}", "y = \"quoted\"", "z: colon", "[ unclosed", "[]", "= v"),
                Arbitraries.strings().ofMaxLength(40));
        return line.list().ofMaxSize(40).map(l -> String.join("\n", l));
    }

    @Property(tries = 600)
    void iniReaderGivesAResultOrADocumentedError(@ForAll("iniText") String text) {
        tried("INI reader (and interpolation): arbitrary text -> result or BadStoreConfiguration, no hang", () ->
        resultOrDocumentedError(() -> {
            try {
                OsloIni ini = OsloIni.parse("fuzz.conf", new StringReader(text));
                for (var sec : ini.sections().entrySet()) {
                    for (var e : sec.getValue().entrySet()) {
                        for (String v : e.getValue().values()) {
                            ini.interpolate(sec.getKey(), v);
                        }
                    }
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }));
    }

    @Property(tries = 400)
    void wholeConfigurationReadingGivesAResultOrADocumentedError(@ForAll("iniText") String text) {
        tried("whole configuration from INI text -> result or BadStoreConfiguration, no hang", () ->
        resultOrDocumentedError(() -> StowageConfig.from(ConfigFiles.parse("fuzz.conf", text), "fuzz.conf")));
    }

    @Property(tries = 300)
    void hoconReadingGivesAResultOrADocumentedError(@ForAll("hoconText") String text) {
        tried("whole configuration from HOCON text -> result or BadStoreConfiguration, no hang", () ->
        resultOrDocumentedError(() -> StowageConfig.from(ConfigFiles.parse("fuzz.conf", text), "fuzz.conf")));
    }

    @Provide
    Arbitrary<String> hoconText() {
        return Arbitraries.oneOf(Arbitraries.strings().withChars("{}[]=:,\"' \n$abc.DEFAULT_glance_store01").ofMaxLength(60),
                Arbitraries.of("DEFAULT { enabled_backends = \"a:file\" }", "glance_store.default_backend = a",
                        "DEFAULT.enabled_backends = [1, 2]", "a = ${?NOPE}", "a = ${nope}", "DEFAULT = 3")
                        .list().ofMaxSize(5).map(l -> String.join("\n", l)));
    }

    @Provide
    Arbitrary<String> backends() {
        Arbitrary<String> id = Arbitraries.oneOf(Arbitraries.strings().withChars("abcxyz_-019 :").ofMaxLength(8),
                Arbitraries.of("os_glance_x", "fast", "slow", ""));
        Arbitrary<String> entry = Combinators.combine(id, Arbitraries.of(":", "", "::", " : "), id).as((a, c, b) -> a + c + b);
        return entry.list().ofMaxSize(6).map(l -> String.join(Arbitraries.of(",", ", ", ",,").sample(), l));
    }

    @Property(tries = 800)
    void enabledBackendsFollowsOsloDictRules(@ForAll("backends") String value) {
        tried("enabled_backends parsing follows oslo.config's Dict type (or BadStoreConfiguration naming file:line)",
                () -> enabledBackends(value));
    }

    private void enabledBackends(String value) {
        Setting s = Setting.of("enabled_backends", value, "fuzz.conf:2");
        Map<String, String> expected = osloDict(value);
        try {
            StowageConfig c = StowageConfig.from(ConfigFiles.parse("fuzz.conf", "[DEFAULT]\nenabled_backends = "
                    + value.replace("\n", " ") + "\n[glance_store]\ndefault_backend = "
                    + (expected == null || expected.isEmpty() ? "x" : expected.keySet().iterator().next()) + "\n"), "fuzz.conf");
            assertThat(expected).as("accepted '%s'", value).isNotNull();
            Map<String, String> got = new LinkedHashMap<>();
            c.stores().stream().filter(e -> !e.reserved()).forEach(e -> got.put(e.id(), e.type()));
            if (!expected.isEmpty()) {
                assertThat(got).containsExactlyEntriesOf(expected);
            }
        } catch (StoreException e) {
            if (e.kind() != ErrorKind.BAD_STORE_CONFIGURATION) {
                throw e;
            }
            assertThat(e.getMessage()).contains("fuzz.conf:");
            if (expected != null && !expected.isEmpty()) {
                assertThat(e.getMessage()).containsAnyOf("reserves", "empty", "default_backend");
            }
        }
        assertThat(s.value()).isEqualTo(value);
    }

    /** oslo.config's Dict parsing, written from its definition: null where oslo raises. */
    static Map<String, String> osloDict(String value) {
        Map<String, String> out = new LinkedHashMap<>();
        if (value.strip().isEmpty()) {
            return out;
        }
        for (String piece : value.split(",", -1)) {
            int c = piece.indexOf(':');
            if (c < 0) {
                return null;
            }
            String k = piece.substring(0, c).strip();
            if (out.containsKey(k)) {
                return null;
            }
            out.put(k, piece.substring(c + 1).strip());
        }
        return out;
    }

    @Property(tries = 500)
    void typedSettingsGiveAValueOrADocumentedError(@ForAll String raw) {
        StoreSettings s = new StoreSettings("fuzz", Map.of("i", Setting.of("i", raw, "fuzz.conf:1"),
                "b", Setting.of("b", raw, "fuzz.conf:2"), "d", Setting.of("d", raw, "fuzz.conf:3"),
                "l", Setting.of("l", raw, "fuzz.conf:4")),
                List.of(OptionSpec.integer("i").min(0).build(), OptionSpec.bool("b").build(), OptionSpec.dict("d").build(),
                        OptionSpec.list("l").build()));
        tried("typed settings (integer, boolean, dict, list): arbitrary value -> value or BadStoreConfiguration", () -> {
            resultOrDocumentedError(() -> s.integer("i"));
            resultOrDocumentedError(() -> s.bool("b"));
            resultOrDocumentedError(() -> s.dict("d"));
            resultOrDocumentedError(() -> s.list("l"));
        });
    }

    @Property(tries = 200)
    void environmentOverridesGiveAResultOrADocumentedError(@ForAll("envName") String name, @ForAll String value) {
        tried("environment overrides STOWAGE__<section>__<option>: arbitrary name/value -> result or "
                + "BadStoreConfiguration", () -> resultOrDocumentedError(() -> ConfigFiles.withEnvironment(
                        ConfigFiles.parse("x.conf", "[DEFAULT]\n"), Map.of(name, value))));
    }

    @Provide
    Arbitrary<String> envName() {
        return Arbitraries.strings().withChars("STOWAGE_abcDEF.-019").ofMaxLength(25).map(s -> "STOWAGE__" + s);
    }

    static Duration unused() {
        return Duration.ZERO;
    }
}
