package org.stowage.reliability;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
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
import net.jqwik.api.lifecycle.AfterContainer;
import org.stowage.drivers.cinder.CinderLocation;
import org.stowage.drivers.file.FileStoreDriverFactory;
import org.stowage.drivers.http.HttpStoreDriverFactory;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreLocation;
import org.stowage.tck.TestStoreContext;
import org.stowage.testing.ReliabilityRecorder;

/**
 * Every driver's URI parser on arbitrary input: a location or a StoreException, never
 * another exception, never a hang (each parse has 5 s). The file and http parsers run through
 * their stores, made by their factories with a TestStoreContext; the cinder parser is the one
 * its store calls (the cinder store's {@code locations().parse} is {@code CinderLocation.parse}), tested
 * directly because creating a cinder store needs Keystone credentials.
 */
class UriPropertiesTest {
    private static final Map<String, AtomicInteger> TRIES = new ConcurrentHashMap<>();
    private static final java.util.Set<String> FAILED = ConcurrentHashMap.newKeySet();
    private static StoreDriver file;
    private static StoreDriver http;

    static synchronized StoreDriver file() {
        if (file == null) {
            FileStoreDriverFactory f = new FileStoreDriverFactory();
            file = f.create(TestStoreContext.of(f, "fs", Map.of("filesystem_store_datadir",
                    System.getProperty("java.io.tmpdir") + "/stowage-uri-properties")));
        }
        return file;
    }

    static synchronized StoreDriver http() {
        if (http == null) {
            HttpStoreDriverFactory f = new HttpStoreDriverFactory();
            http = f.create(TestStoreContext.of(f, "web", Map.of()));
        }
        return http;
    }

    /** Parses with a time limit; returns the location or null for the documented error. */
    static StoreLocation parse(String property, java.util.function.Function<String, StoreLocation> parser, String uri) {
        TRIES.computeIfAbsent(property, k -> new AtomicInteger()).incrementAndGet();
        try {
            return parseChecked(parser, uri);
        } catch (AssertionError e) {
            FAILED.add(property);
            throw e;
        }
    }

    private static StoreLocation parseChecked(java.util.function.Function<String, StoreLocation> parser, String uri) {
        CompletableFuture<StoreLocation> f = CompletableFuture.supplyAsync(() -> {
            try {
                return parser.apply(uri);
            } catch (StoreException documented) {
                if (documented.kind() != ErrorKind.BAD_STORE_URI) {
                    throw documented;
                }
                assertThat(documented.getMessage()).isNotBlank();
                return null;
            }
        });
        try {
            StoreLocation l = f.get(5, TimeUnit.SECONDS);
            if (l != null) {
                assertThat(l.uri()).isNotNull();
                assertThat(l.toString()).isNotNull();
            }
            return l;
        } catch (ExecutionException e) {
            throw new AssertionError("undocumented exception for URI of " + uri.length() + " chars: " + e.getCause(),
                    e.getCause());
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("hang: no result within 5 s");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Provide
    Arbitrary<String> uris() {
        Arbitrary<String> scheme = Arbitraries.of("file", "filesystem", "http", "https", "cinder", "FILE", "Http", "", "s3",
                "file:", "http:/");
        Arbitrary<String> auth = Arbitraries.oneOf(Arbitraries.strings().withChars("abc:@[]%2F.-019_ ").ofMaxLength(14),
                Arbitraries.of("", "h", "user:pw@h", "[::1]", "[::1", "h:80", "h:99999", "h:abc", "@", ":@", "u@v@h",
                        "fast", "6f2b8a1e-0000-4000-8000-000000000001", "%zz", "h:"));
        Arbitrary<String> path = Arbitraries.oneOf(Arbitraries.strings().withChars("/abc.%20?#=&-019\\ \t\n:;").ofMaxLength(30),
                Arbitraries.of("", "/", "//", "/x", "/../x", "/6f2b8a1e-0000-4000-8000-000000000001",
                        "/fast/6f2b8a1e-0000-4000-8000-000000000001", "/a/b/c", "?q", "#f", "/%00", "/\u00e9"));
        Arbitrary<String> structured = Combinators.combine(scheme, Arbitraries.of("://", ":/", ":", ":///", ""), auth, path)
                .as((s, sep, a, p) -> s + sep + a + p);
        return Arbitraries.oneOf(structured, Arbitraries.strings().ofMaxLength(60));
    }

    @Property(tries = 700)
    void fileStoreUriParserGivesALocationOrBadStoreUri(@ForAll("uris") String uri) {
        parse("file store locations().parse: arbitrary URI -> location or BadStoreUri, no hang", file().locations()::parse, uri);
    }

    @Property(tries = 700)
    void httpStoreUriParserGivesALocationOrBadStoreUri(@ForAll("uris") String uri) {
        String name = "http store locations().parse: arbitrary URI -> location or BadStoreUri, no hang, toString masks "
                + "credentials";
        StoreLocation l = parse(name, http().locations()::parse, uri);
        if (l != null && uri.contains("user:pw@")) {
            try {
                assertThat(l.toString()).doesNotContain("user:pw@");
            } catch (AssertionError e) {
                FAILED.add(name);
                throw e;
            }
        }
    }

    @Property(tries = 700)
    void cinderUriParserGivesALocationOrBadStoreUri(@ForAll("uris") String uri) {
        parse("cinder locations().parse (CinderLocation.parse): arbitrary URI -> location or BadStoreUri, no hang",
                CinderLocation::parse, uri);
    }

    @AfterContainer
    static void record() {
        for (Map.Entry<String, AtomicInteger> e : TRIES.entrySet()) {
            if (FAILED.contains(e.getKey())) {
                continue; // a row means the property held
            }
            ReliabilityRecorder.property("uri", e.getKey(), e.getValue().get());
        }
        for (StoreDriver d : List.of(file(), http())) {
            d.close();
        }
    }
}
