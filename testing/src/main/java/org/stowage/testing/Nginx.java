package org.stowage.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real nginx (Debian's package) on 127.0.0.1, configured in a temp dir and started once per
 * test run: plain http, https with a test CA made by openssl at setup, a forward proxy for http
 * URLs, redirect chains, Range and no-Range locations, a chunked location, error statuses and a
 * basic-auth location. Use with {@code @ExtendWith(Nginx.Extension.class)} and a {@code Nginx}
 * parameter. If nginx is missing the tests fail and say to run {@code .ci/setup-nginx.sh}.
 */
public final class Nginx implements AutoCloseable {
    /** The image served at /img.bin (and under /auth/, /chunked/, /norange/). */
    public static final byte[] IMAGE = randomBytes(3 * 1024 * 1024 + 17, 42);
    public static final String AUTH_USER = "glance";
    public static final String AUTH_PASSWORD = "s3cr3t-Pa55";

    public final Path dir;
    public final int plainPort;
    public final int tlsPort;
    public final int proxyPort;
    /** TLS with a certificate of the test CA that names only {@link #MISNAMED_HOST}, not 127.0.0.1. */
    public final int misnamedPort;
    /** TLS with a certificate of the test CA for 127.0.0.1 that expired in 2020. */
    public final int expiredPort;
    public final Path caFile;
    private final Process process;

    /** The only name in the certificate served on {@link #misnamedPort}. */
    public static final String MISNAMED_HOST = "images.example";

    private Nginx(Path dir, int[] ports, Path caFile, Process process) {
        this.dir = dir;
        this.plainPort = ports[0];
        this.tlsPort = ports[1];
        this.proxyPort = ports[2];
        this.misnamedPort = ports[3];
        this.expiredPort = ports[4];
        this.caFile = caFile;
        this.process = process;
    }

    public String http(String path) {
        return "http://127.0.0.1:" + plainPort + path;
    }

    public String https(String path) {
        return "https://127.0.0.1:" + tlsPort + path;
    }

    /** An https URL whose host the server's certificate does not name (it names only {@link #MISNAMED_HOST}). */
    public String httpsMisnamed(String path) {
        return "https://127.0.0.1:" + misnamedPort + path;
    }

    /** An https URL whose server's certificate has expired. */
    public String httpsExpired(String path) {
        return "https://127.0.0.1:" + expiredPort + path;
    }

    static Path findNginx() {
        for (String p : List.of("/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx", "/usr/local/bin/nginx")) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        return null;
    }

    public static Nginx start() throws Exception {
        Path nginx = findNginx();
        if (nginx == null) {
            throw new AssertionError("nginx is not installed, and the http driver tests need a real nginx on loopback:"
                    + " run `bash .ci/setup-nginx.sh` (apt-get install -y nginx) and re-run the tests");
        }
        Path dir = Files.createTempDirectory("stowage-nginx-");
        Path tls = prepareFiles(dir);
        int[] ports = {freePort(), freePort(), freePort(), freePort(), freePort()};
        String d = dir.toString();
        Files.writeString(dir.resolve("common.conf"), commonConfig(d, ports[0]));
        Files.writeString(dir.resolve("nginx.conf"), mainConfig(d, tls, ports));
        Process p = new ProcessBuilder(nginx.toString(), "-p", d + "/", "-c", d + "/nginx.conf", "-e", d + "/logs/error.log")
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs/stdout.log").toFile()).start();
        Nginx n = new Nginx(dir, ports, tls.resolve("ca.crt"), p);
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroy, "stop-test-nginx"));
        n.awaitListening(ports);
        return n;
    }

    /**
     * The served tree under {@code dir} (readable by workers that run as nobody), the certificates
     * and the basic-auth password file; returns the directory of the certificates.
     */
    private static Path prepareFiles(Path dir) throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("tmp"));
        Path tls = Files.createDirectories(dir.resolve("tls"));
        Files.write(www.resolve("img.bin"), IMAGE);
        Files.writeString(www.resolve("small.txt"), "hello, image\n");
        Files.write(www.resolve("empty.bin"), new byte[0]);
        // workers run as nobody when started by root: let them read the tree
        for (Path p : List.of(dir, www, dir.resolve("logs"), dir.resolve("tmp"))) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        for (String f : List.of("img.bin", "small.txt", "empty.bin")) {
            Files.setPosixFilePermissions(www.resolve(f), PosixFilePermissions.fromString("rw-r--r--"));
        }
        makeCertificates(tls);
        Files.writeString(dir.resolve("htpasswd"), AUTH_USER + ":{PLAIN}" + AUTH_PASSWORD + "\n");
        Files.setPosixFilePermissions(dir.resolve("htpasswd"), PosixFilePermissions.fromString("rw-r--r--"));
        return tls;
    }

    /** The locations every server has (root {@code d}/www); {@code plain} is the plain http port. */
    private static String commonConfig(String d, int plain) {
        return String.join("\n",
                "root " + d + "/www;",
                "location = /chain/1 { return 301 $scheme://127.0.0.1:$server_port/chain/2; }",
                "location = /chain/2 { absolute_redirect off; return 302 3; }",
                "location = /chain/3 { absolute_redirect off; return 307 /chain/sub/../4; }",
                "location = /chain/4 { return 308 /img.bin; }",
                "location = /five/1 { return 302 /five/2; }",
                "location = /five/2 { return 302 /five/3; }",
                "location = /five/3 { return 302 /five/4; }",
                "location = /five/4 { return 302 /five/5; }",
                "location = /five/5 { return 302 /img.bin; }",
                "location = /loop { return 302 /loop; }",
                "location = /r/301 { return 301 /img.bin; }",
                "location = /r/302 { return 302 /img.bin; }",
                "location = /r/303 { return 303 /img.bin; }",
                "location = /r/307 { return 307 /img.bin; }",
                "location = /r/308 { return 308 /img.bin; }",
                "location = /r/relative/deep { absolute_redirect off; return 302 ../../img.bin?x=1#frag; }",
                "location = /r/missing { return 302 /nope.img; }",
                "location = /r/tohttp { return 302 http://127.0.0.1:" + plain + "/img.bin; }",
                "location = /r/ftp { return 302 ftp://127.0.0.1/img.bin; }",
                "location = /r/badcreds { return 302 http://user@127.0.0.1:" + plain + "/img.bin; }",
                "location = /status/500 { return 500 'internal trouble'; }",
                "location = /status/503 { return 503; }",
                "location = /status/403 { return 403; }",
                "location = /status/304 { return 304; }",
                "location /auth/ { auth_basic images; auth_basic_user_file " + d + "/htpasswd; alias " + d + "/www/; }",
                "location /chunked/ { alias " + d + "/www/; sub_filter_types *;"
                        + " sub_filter 'stowage-never-matches-0123456789' ''; }",
                "location /norange/ { alias " + d + "/www/; max_ranges 0; }",
                "");
    }

    /**
     * nginx.conf: on {@code ports} (in the constructor's order) plain http, TLS with the good
     * certificate, the forward proxy, TLS with the misnamed one and TLS with the expired one.
     */
    private static String mainConfig(String d, Path tls, int[] ports) {
        int plain = ports[0];
        int proxy = ports[2];
        return String.join("\n",
                "worker_processes 1;",
                "daemon off;",
                "pid " + d + "/nginx.pid;",
                "error_log " + d + "/logs/error.log warn;",
                "events { worker_connections 256; }",
                "http {",
                "  access_log " + d + "/logs/access.log;",
                "  sendfile on;",
                "  default_type application/octet-stream;",
                "  client_body_temp_path " + d + "/tmp/body;",
                "  proxy_temp_path " + d + "/tmp/proxy;",
                "  fastcgi_temp_path " + d + "/tmp/fastcgi;",
                "  uwsgi_temp_path " + d + "/tmp/uwsgi;",
                "  scgi_temp_path " + d + "/tmp/scgi;",
                "  server { listen 127.0.0.1:" + plain + "; include " + d + "/common.conf; }",
                tlsServer(ports[1], tls, "server", d),
                tlsServer(ports[3], tls, "misnamed", d),
                tlsServer(ports[4], tls, "expired", d),
                "  server { listen 127.0.0.1:" + proxy + "; access_log " + d + "/logs/proxy.log;",
                "           location / { proxy_pass http://127.0.0.1:" + plain + "; } }",
                "}",
                "");
    }

    /** Waits up to 15 s for nginx to listen on every one of {@code ports}; fails with its log if it exits. */
    private void awaitListening(int[] ports) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (int port : ports) {
            while (!accepts(port)) {
                if (!process.isAlive()) {
                    String log = Files.readString(dir.resolve("logs/stdout.log")) + Files.readString(dir.resolve("logs/error.log"));
                    throw new AssertionError("nginx exited with " + process.exitValue() + " at start-up: " + log);
                }
                if (System.nanoTime() > deadline) {
                    close();
                    throw new AssertionError("nginx did not listen on 127.0.0.1:" + port + " within 15 s");
                }
                Thread.sleep(20);
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port that was free a moment ago on 127.0.0.1. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static void makeCertificates(Path tls) throws Exception {
        Files.writeString(tls.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                + "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
        run(tls, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", "ca.crt", "-days", "3", "-subj", "/CN=Stowage Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        run(tls, "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
        run(tls, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", "server.crt", "-days", "3", "-extfile", "server.ext");
        Files.writeString(tls.resolve("misnamed.ext"), "subjectAltName=DNS:" + MISNAMED_HOST + "\n"
                + "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
        run(tls, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", "misnamed.crt", "-days", "3", "-extfile", "misnamed.ext");
        Files.copy(tls.resolve("server.key"), tls.resolve("misnamed.key"));
        // 'openssl x509' cannot backdate a certificate; 'openssl ca' can, with a minimal CA directory
        Files.writeString(tls.resolve("index.txt"), "");
        Files.writeString(tls.resolve("ca-serial"), "1000\n");
        Files.writeString(tls.resolve("ca.cnf"), "[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\n"
                + "new_certs_dir = .\nserial = ca-serial\ndefault_md = sha256\npolicy = any\n[any]\n"
                + "commonName = supplied\n");
        run(tls, "openssl", "ca", "-batch", "-config", "ca.cnf", "-cert", "ca.crt", "-keyfile", "ca.key",
                "-in", "server.csr", "-out", "expired.crt", "-startdate", "20200101000000Z",
                "-enddate", "20200102000000Z", "-extfile", "server.ext", "-notext");
        Files.copy(tls.resolve("server.key"), tls.resolve("expired.key"));
    }

    private static String tlsServer(int port, Path tls, String name, String d) {
        return "  server { listen 127.0.0.1:" + port + " ssl; ssl_certificate " + tls + "/" + name + ".crt;"
                + " ssl_certificate_key " + tls + "/" + name + ".key; include " + d + "/common.conf; }";
    }

    private static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("test setup command failed: " + String.join(" ", cmd) + "\n" + out);
        }
    }

    /** {@code n} bytes from a random generator seeded with {@code seed}: the same bytes every run. */
    public static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Lines of the access log of the plain and TLS servers. */
    public List<String> accessLog() throws IOException {
        Path p = dir.resolve("logs/access.log");
        return Files.exists(p) ? Files.readAllLines(p) : new ArrayList<>();
    }

    /** Lines of the proxy server's access log. */
    public List<String> proxyLog() throws IOException {
        Path p = dir.resolve("logs/proxy.log");
        return Files.exists(p) ? Files.readAllLines(p) : new ArrayList<>();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Starts nginx once per run (closed when the run ends) and injects it as a parameter. */
    public static final class Extension implements BeforeAllCallback, ParameterResolver {
        private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(Nginx.class);

        @Override
        public void beforeAll(ExtensionContext context) {
            get(context);
        }

        private static Nginx get(ExtensionContext context) {
            return context.getRoot().getStore(NS).getOrComputeIfAbsent("nginx", k -> {
                try {
                    return start();
                } catch (AssertionError e) {
                    throw e;
                } catch (Exception e) {
                    throw new AssertionError("could not start nginx for the http driver tests: " + e, e);
                }
            }, Nginx.class);
        }

        @Override
        public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
            return pc.getParameter().getType() == Nginx.class;
        }

        @Override
        public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
            return get(ec);
        }
    }
}
