package org.stowage.drivers.cinder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A test CA and server certificates signed by it, made at test time with the JDK's keytool (a
 * real process): a valid one for 127.0.0.1, one for another host name, and an expired one. A
 * {@link HostilePeer} serves TLS with {@link #serverContext(String)}.
 */
public final class TestCertificates {
    private static final String PASS = "changeit";
    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Creates the CA in {@code dir}; {@link #ca()} is its certificate as PEM. */
    public static TestCertificates create(Path dir) throws Exception {
        TestCertificates c = new TestCertificates(dir);
        c.keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=Stowage test CA", "-ext", "bc:c", "-validity", "30", "-keystore", "ca.p12");
        c.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
        return c;
    }

    /** The CA certificate (PEM), for {@code cinder_ca_certificates_file}. */
    public Path ca() {
        return dir.resolve("ca.pem");
    }

    /**
     * A server key and certificate signed by the CA, named {@code name}, with the subject
     * alternative name {@code san} (e.g. {@code ip:127.0.0.1}); {@code expired}: valid for one day,
     * ten days ago.
     */
    public void server(String name, String san, boolean expired) throws Exception {
        String ks = name + ".p12";
        keytool("-genkeypair", "-alias", "srv", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-validity", "30", "-keystore", ks);
        keytool("-certreq", "-alias", "srv", "-keystore", ks, "-file", name + ".csr");
        List<String> sign = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-infile",
                name + ".csr", "-outfile", name + ".pem", "-rfc", "-ext", "san=" + san));
        sign.addAll(expired ? List.of("-startdate", "-10d", "-validity", "1") : List.of("-validity", "30"));
        keytool(sign.toArray(String[]::new));
        keytool("-importcert", "-alias", "ca", "-file", "ca.pem", "-keystore", ks, "-noprompt");
        keytool("-importcert", "-alias", "srv", "-file", name + ".pem", "-keystore", ks, "-noprompt");
    }

    /** A server-side TLS context with the key and certificate chain of server {@code name}. */
    public SSLContext serverContext(String name) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(name + ".p12"))) {
            ks.load(in, PASS.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASS.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storepass", PASS, "-storetype", "PKCS12"));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }
}
