package org.stowage.drivers.cinder.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.drivers.cinder.CinderStoreConfig;
import org.stowage.drivers.cinder.TestSettings;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * The Keystone token kept between processes ({@code cinder_token_cache}), against a scripted
 * Keystone and Cinder on loopback: a second client with the same credentials (a later command)
 * sends no token request while the cached token is good for more than the renewal margin; the
 * cache is private (0700 directory, 0600 file), holds no password and is ignored and replaced
 * when corrupt, loose or for other credentials; a token Cinder refuses (401) is replaced, one
 * whose credentials Keystone refuses is removed; the token id is in no log line or message.
 */
class TokenCacheTest {
    private static final String PROJECT = ScriptedOpenStack.PROJECT;
    private static final String PASSWORD = "pa55-w0rd-secret";

    @TempDir
    Path tmp;
    private ScriptedOpenStack server;
    private final AtomicInteger tokenRequests = new AtomicInteger();
    /** The expiry Keystone puts in the tokens it issues. */
    private final AtomicReference<Instant> expiresAt = new AtomicReference<>(Instant.now().plus(1, ChronoUnit.HOURS));
    /** Token ids Cinder answers 401 to (revoked). */
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean keystoneRefuses = new AtomicBoolean();
    /** The Cinder URL Keystone puts in the catalogs of the tokens it issues (null: this server's). */
    private final AtomicReference<String> catalogCinder = new AtomicReference<>();
    /** The token ids Cinder saw, in order. */
    private final List<String> used = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = new ScriptedOpenStack(this::token, this::volume);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String url() {
        return server.url();
    }

    private void token(HttpExchange x) throws IOException {
        x.getRequestBody().readAllBytes();
        int n = tokenRequests.incrementAndGet();
        if (keystoneRefuses.get()) {
            send(x, 401, "{\"error\": {\"code\": 401, \"message\": \"The request you have made requires authentication.\"}}");
            return;
        }
        String body = ScriptedOpenStack.tokenBody(expiresAt.get(), "a-" + n,
                catalogCinder.get() == null ? url() : catalogCinder.get());
        x.getResponseHeaders().add("X-Subject-Token", tokenId(n));
        send(x, 201, body);
    }

    /** The id of the n-th token Keystone issued: long and unmistakable, to look for in logs and files. */
    private static String tokenId(int n) {
        return "gAAAAABsecret-token-id-" + n + "-0123456789abcdef";
    }

    private void volume(HttpExchange x) throws IOException {
        String t = x.getRequestHeaders().getFirst("X-Auth-Token");
        used.add(t);
        if (revoked.contains(t)) {
            send(x, 401, "{\"error\": {\"code\": 401, \"message\": \"The request you have made requires authentication.\"}}");
            return;
        }
        send(x, 200, "{\"volume\": {\"id\": \"v-1\", \"name\": \"image-x\", \"status\": \"available\", \"size\": 1, "
                + "\"volume_type\": \"t\", \"metadata\": {}}}");
    }

    private static void send(HttpExchange x, int status, String body) throws IOException {
        ScriptedOpenStack.send(x, status, body);
    }

    private Map<String, String> settings(String user) {
        Map<String, String> m = server.settings(user, PASSWORD);
        m.put("cinder_catalog_info", "volumev3::publicURL");
        m.put("cinder_http_retries", "0");
        return m;
    }

    private Path tokens() {
        return tmp.resolve("cache").resolve("tokens");
    }

    private CinderStoreConfig cfg(Map<String, String> m) {
        return CinderStoreConfig.from(TestSettings.settings("cached", m), true).withTokenCacheDir(tokens());
    }

    /** One command: a client that reads the volume, then closes. */
    private void command(CinderStoreConfig cfg) {
        try (CinderClient c = new Os4jCinderClient(cfg)) {
            assertThat(c.getVolume("v-1")).isPresent();
        }
    }

    private void command() {
        command(cfg(settings("glance")));
    }

    private Path file() {
        return tokens().resolve(TokenCache.key(cfg(settings("glance")).credentials()) + ".json");
    }

    @Test
    void aSecondCommandReusesTheFirstOnesTokenAndItsCatalog() {
        command();
        command();
        command();

        assertThat(tokenRequests).as("token requests of three commands").hasValue(1);
        assertThat(used).containsOnly(tokenId(1)).hasSize(3);
    }

    @Test
    void withoutACacheDirectoryEveryCommandAsksKeystone() {
        CinderStoreConfig none = cfg(settings("glance")).withTokenCacheDir(null);
        command(none);
        command(none);

        assertThat(tokenRequests).hasValue(2);
        assertThat(tmp.resolve("cache")).doesNotExist();
    }

    @Test
    void theOptionOffWritesNothingEvenWithACacheDirectory() {
        Map<String, String> m = settings("glance");
        m.put("cinder_token_cache", "False");
        String before = System.getProperty("stowage.cache.dir");
        System.setProperty("stowage.cache.dir", tmp.resolve("cache").toString());
        try {
            CinderStoreConfig off = CinderStoreConfig.from(TestSettings.settings("off", m), true);
            assertThat(off.tokenCacheDir()).isEmpty();
            m.remove("cinder_token_cache");
            assertThat(CinderStoreConfig.from(TestSettings.settings("on", m), true).tokenCacheDir())
                    .hasValue(tmp.resolve("cache").resolve("tokens"));
            command(off);
            command(off);
        } finally {
            if (before == null) {
                System.clearProperty("stowage.cache.dir");
            } else {
                System.setProperty("stowage.cache.dir", before);
            }
        }
        assertThat(tokenRequests).hasValue(2);
        assertThat(tmp.resolve("cache")).doesNotExist();
    }

    @Test
    void theCacheIsPrivateAndHoldsNoPassword() throws IOException {
        command();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokens()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file()))).isEqualTo("rw-------");
        try (Stream<Path> all = Files.list(tokens())) {
            assertThat(all).as("the token file alone, no temporary file left").containsExactly(file());
        }
        assertThat(file().getFileName().toString()).matches("[0-9a-f]{64}\\.json").doesNotContain(PASSWORD);
        String text = Files.readString(file());
        assertThat(text).doesNotContain(PASSWORD).doesNotContain("\"password\":").contains(tokenId(1));
    }

    @Test
    void theKeyIsTheIdentityWithoutThePassword() {
        Map<String, String> other = settings("glance");
        other.put("cinder_store_password", "another");
        assertThat(TokenCache.key(cfg(other).credentials())).isEqualTo(TokenCache.key(cfg(settings("glance")).credentials()));
        assertThat(TokenCache.key(cfg(settings("nova")).credentials()))
                .isNotEqualTo(TokenCache.key(cfg(settings("glance")).credentials()));
        Map<String, String> project = settings("glance");
        project.put("cinder_store_project_domain_name", "Other");
        assertThat(TokenCache.key(cfg(project).credentials()))
                .isNotEqualTo(TokenCache.key(cfg(settings("glance")).credentials()));
    }

    @Test
    void aTokenExpiringWithinTheRenewalMarginIsNotReused() {
        expiresAt.set(Instant.now().plusSeconds(90));
        command();
        command();
        assertThat(tokenRequests).as("a token with 90 s left is renewed (margin 120 s)").hasValue(2);

        expiresAt.set(Instant.now().plusSeconds(600));
        command();
        command();
        assertThat(tokenRequests).as("the renewed token, good for 10 min, is reused").hasValue(3);
        assertThat(used).endsWith(tokenId(3), tokenId(3));
    }

    @Test
    void aCorruptFileIsIgnoredAndReplaced() throws IOException {
        command();
        Files.writeString(file(), "{\"format\": \"stowage-keystone-token-1\", \"id\": \"trunc");
        command();
        assertThat(tokenRequests).hasValue(2);
        command();
        assertThat(tokenRequests).as("the replaced file is reused").hasValue(2);
        assertThat(used).endsWith(tokenId(2), tokenId(2));
    }

    @Test
    void aFileOthersCanReadIsIgnoredAndReplacedByAPrivateOne() throws IOException {
        command();
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-r--r--"));
        command();
        assertThat(tokenRequests).hasValue(2);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file()))).isEqualTo("rw-------");
    }

    @Test
    void aFileOfOtherCredentialsIsIgnored() throws IOException {
        command(cfg(settings("nova")));
        Path nova = tokens().resolve(TokenCache.key(cfg(settings("nova")).credentials()) + ".json");
        Files.copy(nova, file());
        command();
        assertThat(tokenRequests).as("nova's token is not glance's").hasValue(2);
        assertThat(used).endsWith(tokenId(2));
    }

    @Test
    void aLooseDirectoryOfThisUserIsMadePrivate() throws IOException {
        Files.createDirectories(tokens());
        Files.setPosixFilePermissions(tokens(), PosixFilePermissions.fromString("rwxr-xr-x"));
        command();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokens()))).isEqualTo("rwx------");
        command();
        assertThat(tokenRequests).hasValue(1);
    }

    @Test
    void aLinkedDirectoryIsNotUsed() throws IOException {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.createDirectories(tokens().getParent());
        Files.createSymbolicLink(tokens(), elsewhere);
        command();
        command();
        assertThat(tokenRequests).hasValue(2);
        try (Stream<Path> all = Files.list(elsewhere)) {
            assertThat(all).isEmpty();
        }
    }

    @Test
    void aTokenCinderRefusesIsReplacedByANewOne() throws IOException {
        command();
        revoked.add(tokenId(1));
        command();
        assertThat(tokenRequests).as("one re-authentication after the 401").hasValue(2);
        assertThat(used).containsExactly(tokenId(1), tokenId(1), tokenId(2));
        assertThat(Files.readString(file())).contains(tokenId(2)).doesNotContain(tokenId(1));
        command();
        assertThat(tokenRequests).hasValue(2);
    }

    @Test
    void aTokenWhoseCredentialsKeystoneRefusesIsRemoved() {
        command();
        revoked.add(tokenId(1));
        keystoneRefuses.set(true);
        Throwable e;
        try (CinderClient c = new Os4jCinderClient(cfg(settings("glance")))) {
            e = catchThrowable(() -> c.getVolume("v-1"));
        }
        assertThat(e).isInstanceOf(StoreException.class)
                .hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION);
        assertThat(e.getMessage()).doesNotContain(tokenId(1)).doesNotContain(PASSWORD);
        assertThat(file()).doesNotExist();
    }

    @Test
    void aCachedCatalogWhoseCinderIsUnreachableIsDroppedSoTheNextCommandGetsANewOne() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        catalogCinder.set("http://127.0.0.1:" + closed);
        Throwable e;
        try (CinderClient c = new Os4jCinderClient(cfg(settings("glance")))) {
            e = catchThrowable(() -> c.getVolume("v-1"));
        }
        assertThat(e).isInstanceOf(StoreException.class)
                .hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE);
        assertThat(file()).as("the token whose catalog names a dead Cinder").doesNotExist();

        catalogCinder.set(null); // Cinder moved: Keystone's catalog now names the live one
        command();
        assertThat(tokenRequests).hasValue(2);
        assertThat(used).containsExactly(tokenId(2));
    }

    @Test
    void theTokenIdIsInNoLogLineAndNoDescription() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream before = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            command();
            command();
            revoked.add(tokenId(1));
            command();
        } finally {
            System.setErr(before);
        }
        String logged = err.toString(StandardCharsets.UTF_8);
        assertThat(logged).as("debug log of the token cache").contains("cached Keystone token")
                .doesNotContain(tokenId(1)).doesNotContain(tokenId(2)).doesNotContain(PASSWORD);
        TokenCache cache = new TokenCache("cached", tokens(), cfg(settings("glance")).credentials());
        assertThat(cache.load()).isPresent();
        assertThat(cache.toString()).doesNotContain(tokenId(2));
        assertThat(cfg(settings("glance")).toString()).doesNotContain(tokenId(2)).doesNotContain(PASSWORD);
    }
}
