package org.stowage.reliability;

import org.stowage.core.AddOptions;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.stowage.core.Stowage;
import org.stowage.core.config.ConfigFiles;
import org.stowage.drivers.cinder.CinderLocation;
import org.stowage.testing.ReliabilityRecorder;

/**
 * Bad configurations and bad locations, table-driven, through the real entry points:
 * {@code Stowage.builder().config(ConfigFiles.parse("glance-api.conf", text))}, {@code Stowage.locate}
 * (which calls each driver's locations().parse) and {@code Stowage.add}. Every case checks the kind
 * of error and that the message names the file and line (where there is one), the option or
 * location, the value (masked when secret) and what was expected; then it is recorded for
 * docs/reliability.md.
 */
class BadInputTest {
    static Path dir;
    static Stowage routing;

    /** The password used in cases with credentials: must never show. */
    static final String PASSWORD = "Cind3r-Pa55word";
    static final String PROXY_PASSWORD = "Pr0xy-Pa55word";
    static final String URI_PASSWORD = "Ur1-Pa55word";

    record Case(String area, String input, ErrorKind kind, Runnable action, List<String> mustName,
            String secret) {
        @Override
        public String toString() {
            // shown in test reports: never the secret
            return area + ": " + masked(input).replace("\n", " | ");
        }
    }

    /** The input with every password of these cases masked: what test reports and records may show. */
    static String masked(String input) {
        return input.replace(PASSWORD, "****").replace(PROXY_PASSWORD, "****").replace(URI_PASSWORD, "****");
    }

    @BeforeAll
    static void setUp() throws IOException {
        dir = Files.createTempDirectory("stowage-bad-input");
        ReliabilityRecorder.secretUsed(PASSWORD);
        ReliabilityRecorder.secretUsed(PROXY_PASSWORD);
        ReliabilityRecorder.secretUsed(URI_PASSWORD);
        routing = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", reserved(
                "[DEFAULT]\nenabled_backends = fast:file, web:http, blk:cinder\n[glance_store]\ndefault_backend = fast\n")
                + "[fast]\nfilesystem_store_datadir = " + dir + "/fast\n[blk]\n" + cinderCredentials())).pluginsDir(null)
                .build();
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (routing != null) {
            routing.close();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
    }

    /** Keeps the reserved stores' directories in the test's temporary directory. */
    static String reserved(String text) {
        return text + "[os_glance_staging_store]\nfilesystem_store_datadir = " + dir + "/staging\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + dir + "/tasks\n";
    }

    /** Credentials for a cinder store that is never contacted (closed port): creation needs no network. */
    static String cinderCredentials() {
        return "cinder_store_auth_address = http://127.0.0.1:9/v3\ncinder_store_user_name = glance\n"
                + "cinder_store_password = " + PASSWORD + "\ncinder_store_project_name = service\n";
    }

    static Runnable build(String text) {
        return () -> {
            try (Stowage s = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", text)).pluginsDir(null).build()) {
                throw new AssertionError("accepted: " + s.stores());
            }
        };
    }

    /** A configuration whose default store {@code id} has {@code type} and the given section lines. */
    static String store(String id, String type, String section) {
        return reserved("[DEFAULT]\nenabled_backends = " + id + ":" + type + "\n[glance_store]\ndefault_backend = " + id
                + "\n") + "[" + id + "]\n" + section;
    }

    static Case config(String area, String text, List<String> mustName) {
        return new Case(area, text, ErrorKind.BAD_STORE_CONFIGURATION, build(text), mustName, null);
    }

    static Case locate(String area, String uri, ErrorKind kind, List<String> mustName) {
        return new Case(area, uri, kind, () -> routing.locate(uri, null), mustName, null);
    }

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        // --- core: enabled_backends, default_backend, sections, the INI and HOCON readers (file:line)
        String glance = "[glance_store]\ndefault_backend = fast\n";
        c.add(config("config: enabled_backends", "[DEFAULT]\nenabled_backends = fast\n" + glance,
                List.of("glance-api.conf:2", "enabled_backends", "'fast'", "expected comma-separated id:type pairs")));
        c.add(config("config: enabled_backends", "[DEFAULT]\nenabled_backends = fast:file,\n" + glance,
                List.of("glance-api.conf:2", "enabled_backends", "'fast:file,'", "empty entry")));
        c.add(config("config: enabled_backends", "[DEFAULT]\nenabled_backends = :file\n" + glance,
                List.of("glance-api.conf:2", "enabled_backends", "':file'", "empty store id")));
        c.add(config("config: enabled_backends", "[DEFAULT]\nenabled_backends = fast:\n" + glance,
                List.of("glance-api.conf:2", "enabled_backends", "'fast:'", "expected a driver type")));
        c.add(config("config: enabled_backends", "[DEFAULT]\nenabled_backends = fast:file, fast:file\n" + glance,
                List.of("glance-api.conf:2", "enabled_backends", "'fast:file, fast:file'", "expected each id once")));
        c.add(config("config: enabled_backends", "[DEFAULT]\nenabled_backends = os_glance_x:file\n"
                        + "[glance_store]\ndefault_backend = os_glance_x\n",
                List.of("glance-api.conf:2", "enabled_backends", "'os_glance_x:file'", "Glance reserves")));
        c.add(config("config: enabled_backends", "[DEFAULT]\nenabled_backends = fast:s3\n" + glance,
                List.of("glance-api.conf:2", "store 'fast'", "'s3'", "available types are")));
        c.add(config("config: default_backend", "[DEFAULT]\nenabled_backends = fast:file\n",
                List.of("glance-api.conf:2", "default_backend", "is not set", "expected the id of one of the enabled stores")));
        c.add(config("config: default_backend", "[DEFAULT]\nenabled_backends = fast:file\n[glance_store]\n"
                + "default_backend = slow\n", List.of("glance-api.conf:4", "default_backend", "'slow'",
                "expected one of the enabled stores (fast)")));
        c.add(config("config: legacy stores", "[glance_store]\nstores = file\ndefault_store = http\n",
                List.of("glance-api.conf:3", "default_store", "'http'", "expected one of the stores in [glance_store] stores")));
        c.add(config("config: legacy stores", "[glance_store]\nstores = file, swift\ndefault_store = swift\n",
                List.of("glance-api.conf:2", "'swift'", "no driver for type 'swift' is installed", "available types are")));
        c.add(config("config: INI", "[DEFAULT]\nenabled_backends = fast:file\n[glance_store\n",
                List.of("glance-api.conf:3", "[glance_store", "has no closing ']'")));
        c.add(config("config: INI", "[DEFAULT]\n  continued\n",
                List.of("glance-api.conf:2", "(9 characters, 1 word, not shown", "must continue a 'key = value' line")));
        c.add(config("config: INI", "[DEFAULT]\nenabled_backends = $missing\n" + glance,
                List.of("glance-api.conf:2", "enabled_backends", "'$missing'", "expected comma-separated id:type pairs")));
        c.add(config("config: HOCON", "DEFAULT { enabled_backends = \n",
                List.of("glance-api.conf", "2", "not valid INI or HOCON", "Expecting a value")));
        c.add(config("config: HOCON", "DEFAULT = 3\n",
                List.of("glance-api.conf:1", "'DEFAULT'", "must be a section", "not a number")));
        c.add(config("config: HOCON", "DEFAULT { enabled_backends { a = file } }\nglance_store { default_backend = a }\n",
                List.of("glance-api.conf:1", "enabled_backends", "is an object", "expected a string")));
        c.add(config("config: [stowage]", store("fast", "file", "filesystem_store_datadir = " + dir + "/f\n")
                + "[stowage]\ninput_stall_timeout = -1\n", List.of("glance-api.conf:12", "input_stall_timeout", "'-1'",
                "expected a whole number of seconds from 0 to 86400")));
        c.add(new Case("config: environment", "STOWAGE__nosep=1", ErrorKind.BAD_STORE_CONFIGURATION,
                () -> ConfigFiles.withEnvironment(ConfigFiles.parse("x.conf", "[DEFAULT]\n"), Map.of("STOWAGE__nosep", "1")),
                List.of("environment variable STOWAGE__nosep", "expected the form STOWAGE__<section>__<option>"), null));
        c.add(config("config: host options", store("fast", "file", "filesystem_store_datadir = " + dir + "/f\n"
                + "weight = heavy\n"), List.of("glance-api.conf:11", "store 'fast'", "weight", "'heavy'", "expected an integer")));

        // --- file driver options
        String fd = "filesystem_store_datadir = " + dir + "/f\n";
        c.add(config("config: file", store("fast", "file", fd + "filesystem_store_chunk_size = abc\n"),
                List.of("glance-api.conf:11", "filesystem_store_chunk_size", "'abc'", "expected an integer")));
        c.add(config("config: file", store("fast", "file", fd + "filesystem_store_chunk_size = 0\n"),
                List.of("glance-api.conf:11", "filesystem_store_chunk_size", "'0'", "expected an integer >= 1")));
        c.add(config("config: file", store("fast", "file", fd + "filesystem_store_file_perm = 200\n"),
                List.of("glance-api.conf:11", "filesystem_store_file_perm", "'200'", "expected a mode that grants the owner read")));
        c.add(config("config: file", store("fast", "file", fd + "filesystem_store_file_perm = 999\n"),
                List.of("glance-api.conf:11", "filesystem_store_file_perm", "'999'", "expected octal permission digits")));
        c.add(config("config: file", store("fast", "file", fd + "filesystem_thin_provisioning = maybe\n"),
                List.of("glance-api.conf:11", "filesystem_thin_provisioning", "'maybe'", "expected a boolean")));
        c.add(config("config: file", store("fast", "file", fd + "filesystem_store_fsync = sometimes\n"),
                List.of("glance-api.conf:11", "filesystem_store_fsync", "'sometimes'", "expected a boolean")));
        c.add(config("config: file", store("fast", "file", "filesystem_store_datadirs = " + dir + "/a:high\n"),
                List.of("glance-api.conf:10", "filesystem_store_datadirs", dir + "/a:high", "expected '<path>:<priority>'")));
        c.add(config("config: file", store("fast", "file", fd + "filesystem_store_datadirs = " + dir + "/a:1\n"),
                List.of("glance-api.conf:10", "filesystem_store_datadir", dir + "/f",
                        "expected either filesystem_store_datadir or filesystem_store_datadirs", "glance-api.conf:11")));
        c.add(config("config: file", store("fast", "file", "filesystem_store_datadirs = " + dir + "/a:1\n"
                        + "filesystem_store_datadirs = " + dir + "/a:2\n"),
                List.of("glance-api.conf:11", "filesystem_store_datadirs", dir + "/a:2", "expected each directory listed once")));

        // --- http driver options
        c.add(config("config: http", store("web", "http", "https_insecure = maybe\n"),
                List.of("glance-api.conf:10", "https_insecure", "'maybe'", "expected a boolean")));
        c.add(config("config: http", store("web", "http", "http_read_timeout = -1\n"),
                List.of("glance-api.conf:10", "http_read_timeout", "'-1'", "expected an integer >= 0")));
        c.add(config("config: http", store("web", "http", "http_connect_timeout = abc\n"),
                List.of("glance-api.conf:10", "http_connect_timeout", "'abc'", "expected an integer")));
        c.add(config("config: http", store("web", "http", "https_ca_certificates_file = /nonexistent/ca.pem\n"),
                List.of("glance-api.conf:10", "https_ca_certificates_file", "'/nonexistent/ca.pem'",
                        "expected a readable PEM file")));
        c.add(config("config: http", store("web", "http", "http_proxy_information = ftp:10.0.0.1:21\n"),
                List.of("glance-api.conf:10", "http_proxy_information", "****", "expected keys http or https", "'ftp'")));
        String proxyText = store("web", "http", "http_proxy_information = http:proxyuser:" + PROXY_PASSWORD
                + ":x@10.0.0.1:3128\n");
        c.add(new Case("config: http", proxyText, ErrorKind.BAD_STORE_CONFIGURATION, build(proxyText),
                List.of("glance-api.conf:10", "http_proxy_information", "****",
                        "expected proxies of the form [http://][user:password@]host:port"), PROXY_PASSWORD));

        // --- cinder driver options (creation makes no call to Cinder before these checks)
        String cc = cinderCredentials();
        c.add(config("config: cinder", store("blk", "cinder", cc + "cinder_api_insecure = maybe\n"),
                List.of("glance-api.conf:14", "cinder_api_insecure", "'maybe'", "expected a boolean")));
        c.add(config("config: cinder", store("blk", "cinder", cc + "cinder_catalog_info = volumev3\n"),
                List.of("glance-api.conf:14", "cinder_catalog_info", "'volumev3'",
                        "expected <service_type>:<service_name>:<interface>")));
        c.add(config("config: cinder", store("blk", "cinder", cc + "cinder_state_transition_timeout = abc\n"),
                List.of("glance-api.conf:14", "cinder_state_transition_timeout", "'abc'", "expected an integer")));
        c.add(config("config: cinder", store("blk", "cinder", cc + "cinder_http_retries = -5\n"),
                List.of("glance-api.conf:14", "cinder_http_retries", "'-5'", "expected an integer >= 0")));
        c.add(config("config: cinder", store("blk", "cinder", cc + "cinder_attachment_retry_attempts = -1\n"),
                List.of("glance-api.conf:14", "cinder_attachment_retry_attempts", "'-1'", "expected an integer >= 1")));
        c.add(config("config: cinder", store("blk", "cinder", cc + "cinder_endpoint_template = ftp://x/%(tenant)s\n"),
                List.of("glance-api.conf:14", "cinder_endpoint_template", "'ftp://x/%(tenant)s'",
                        "expected an http:// or https:// URL")));
        c.add(config("config: cinder", store("blk", "cinder", cc + "cinder_mount_point_base = relative\n"),
                List.of("glance-api.conf:14", "cinder_mount_point_base", "'relative'", "expected an absolute directory path")));
        c.add(config("config: cinder", store("blk", "cinder", cc + "cinder_ca_certificates_file = /nonexistent/ca.pem\n"),
                List.of("glance-api.conf:14", "cinder_ca_certificates_file", "'/nonexistent/ca.pem'",
                        "expected a readable PEM file")));
        c.add(config("config: cinder", store("blk", "cinder", cc + "cinder_enforce_multipath = maybe\n"),
                List.of("glance-api.conf:14", "cinder_enforce_multipath", "'maybe'", "expected a boolean")));
        String badAuth = store("blk", "cinder", cc.replace("http://127.0.0.1:9/v3", "not a url"));
        c.add(new Case("config: cinder", badAuth, ErrorKind.BAD_STORE_CONFIGURATION, build(badAuth),
                List.of("glance-api.conf:10", "cinder_store_auth_address", "'not a url'", "expected an http:// or https://"),
                PASSWORD));
        c.add(config("config: cinder", store("blk", "cinder", "cinder_store_user_name = glance\n"),
                List.of("glance-api.conf:10", "cinder_store_user_name", "incomplete service credentials",
                        "set all of cinder_store_auth_address")));

        // --- locations: routing and each driver's parser
        c.add(locate("uri: routing", "", ErrorKind.BAD_STORE_URI, List.of("location is empty", "expected a URI")));
        c.add(locate("uri: routing", "noscheme", ErrorKind.BAD_STORE_URI,
                List.of("'noscheme'", "has no scheme", "expected scheme://")));
        c.add(locate("uri: routing", "s3://bucket/x", ErrorKind.UNKNOWN_SCHEME,
                List.of("'s3://bucket/x'", "unknown scheme 's3'", "schemes served: cinder, file, filesystem, http, https")));
        c.add(locate("uri: routing", "file:///etc/passwd", ErrorKind.UNKNOWN_SCHEME,
                List.of("'file:///etc/passwd'", "no enabled store owns", "expected a location under one of the file stores")));
        c.add(new Case("uri: routing", "http://h/x (store fast)", ErrorKind.UNKNOWN_SCHEME,
                () -> routing.locate("http://h/x", "fast"), List.of("'http://h/x'", "scheme 'http'", "store 'fast' (file) serves"),
                null));
        c.add(locate("uri: file", "file://", ErrorKind.BAD_STORE_URI, List.of("'file://'", "No path specified",
                "expected file://<path>")));
        c.add(locate("uri: file", "FILE:///x", ErrorKind.BAD_STORE_URI, List.of("'FILE:///x'", "is not a file location",
                "expected file://<path> or filesystem://<path>")));
        c.add(locate("uri: file", "filesystem://", ErrorKind.BAD_STORE_URI, List.of("'filesystem://'", "No path specified",
                "expected file://<path>")));
        c.add(locate("uri: http", "http:///x", ErrorKind.BAD_STORE_URI, List.of("http:///x", "No address specified",
                "expected a host after http://")));
        c.add(locate("uri: http", "http://h:abc/x", ErrorKind.BAD_STORE_URI, List.of("http://h:abc/x", "'abc'",
                "is not a number")));
        c.add(locate("uri: http", "http://h:99999/x", ErrorKind.BAD_STORE_URI, List.of("http://h:99999/x", "99999",
                "outside 1-65535")));
        c.add(locate("uri: http", "https://[::1/x", ErrorKind.BAD_STORE_URI, List.of("https://[::1/x",
                "IPv6 address is not closed")));
        String credUri = "http://alice:" + URI_PASSWORD + ":x@h/x";
        c.add(new Case("uri: http", credUri, ErrorKind.BAD_STORE_URI, () -> routing.locate(credUri, null),
                List.of("http://****@h/x", "Credentials are not well-formatted", "expected user:password@host"), URI_PASSWORD));
        String vol = "6f2b8a1e-0000-4000-8000-000000000001";
        c.add(locate("uri: cinder", "cinder://blk/not-a-uuid", ErrorKind.BAD_STORE_URI,
                List.of("'cinder://blk/not-a-uuid'", "invalid volume ID 'not-a-uuid'", "expected a lower-case UUID")));
        c.add(locate("uri: cinder", "cinder://blk/", ErrorKind.BAD_STORE_URI,
                List.of("'cinder://blk/'", "invalid volume ID ''", "expected a lower-case UUID")));
        c.add(locate("uri: cinder", "cinder:///x", ErrorKind.BAD_STORE_URI,
                List.of("'cinder:///x'", "empty store id", "expected cinder://<store id>/<volume id>")));
        c.add(locate("uri: cinder", "cinder://blk/" + vol + "/extra", ErrorKind.BAD_STORE_URI,
                List.of("'cinder://blk/" + vol + "/extra'", "not 3 path segments", "expected cinder://<store id>/<volume id>")));
        c.add(locate("uri: cinder", "cinder://blk/" + vol + "?x=1", ErrorKind.BAD_STORE_URI,
                List.of("'cinder://blk/" + vol + "?x=1'", "a query or fragment is not allowed", "expected cinder://")));
        c.add(locate("uri: cinder", "cinder://nosuch/" + vol, ErrorKind.UNKNOWN_STORE,
                List.of("'cinder://nosuch/" + vol + "'", "names store 'nosuch', which is not enabled", "expected one of fast, web, blk")));
        c.add(new Case("uri: cinder", "CinderLocation.parse(cinder://)", ErrorKind.BAD_STORE_URI,
                () -> CinderLocation.parse("cinder://"), List.of("'cinder://'", "invalid volume ID ''", "expected a lower-case UUID"),
                null));

        // --- add-time input
        c.add(new Case("add", "hash algorithm md4", ErrorKind.UNKNOWN_HASHING_ALGO,
                () -> routing.add("fast", new ByteArrayInputStream(new byte[3]), AddOptions.defaults().imageId("img-md4").declaredSize(3).hashAlgorithm("md4")),
                List.of("'md4'", "unknown hashing algorithm", "expected one of sha512"), null));
        c.add(new Case("add", "image id a/b", ErrorKind.BAD_STORE_URI,
                () -> routing.add("fast", new ByteArrayInputStream(new byte[3]), AddOptions.defaults().imageId("a/b").declaredSize(3)),
                List.of("image id 'a/b'", "is not a UUID", "expected a UUID of 8-4-4-4-12 hexadecimal digits"), null));
        c.add(new Case("add", "image id with control characters", ErrorKind.BAD_STORE_URI,
                () -> routing.add("fast", new ByteArrayInputStream(new byte[3]), AddOptions.defaults().imageId("6f1e0c5a-3b2d-4c8e-9a7f-1d2e3f4a5b6c\u001b[2J").declaredSize(3)),
                List.of("image id '6f1e0c5a-3b2d-4c8e-9a7f-1d2e3f4a5b6c\\u001b[2J'", "is not a UUID"), null));
        c.add(new Case("add", "image id of 255 characters", ErrorKind.BAD_STORE_URI,
                () -> routing.add("fast", new ByteArrayInputStream(new byte[3]), AddOptions.defaults().imageId("f".repeat(255)).declaredSize(3)),
                List.of("image id '" + "f".repeat(40) + "... (255 characters)'", "is not a UUID"), null));
        c.add(new Case("add", "add to the read-only http store", ErrorKind.STORE_ADD_DISABLED,
                () -> routing.add("web", new ByteArrayInputStream(new byte[3]), AddOptions.defaults().imageId("img-ro").declaredSize(3)),
                List.of("store 'web'", "read-only", "does not accept new images"), null));
        c.add(new Case("add", "add to a store that is not enabled", ErrorKind.UNKNOWN_STORE,
                () -> routing.add("nope", new ByteArrayInputStream(new byte[3]), AddOptions.defaults().imageId("img-x").declaredSize(3)),
                List.of("store 'nope' is not enabled", "expected one of fast, web, blk"), null));
        return c.stream();
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("cases")
    void badInputGivesTheDocumentedErrorNamingWhereWhatAndExpected(Case c) {
        Throwable e = catchThrowable(c.action()::run);
        assertThat(e).as(c.toString()).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", c.kind());
        String m = e.getMessage();
        for (String part : c.mustName()) {
            assertThat(m).as("message of %s", c).contains(part);
        }
        for (String secret : List.of(PASSWORD, PROXY_PASSWORD, URI_PASSWORD)) {
            assertThat(m).doesNotContain(secret);
            assertThat(e.toString()).doesNotContain(secret);
        }
        ReliabilityRecorder.badInput(c.area(), masked(c.input()), m);
    }
}
