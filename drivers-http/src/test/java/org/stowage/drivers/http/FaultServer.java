package org.stowage.drivers.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;

/**
 * A raw TCP server on 127.0.0.1 for the faults a real server will not produce: a body cut short,
 * a dropped chunked body, a hang, conflicting headers, and the hostile framings that try to keep a
 * client waiting for ever (endless interim responses, a trickled head, endless trailers, a stalled
 * TLS handshake). Each connection's request head is recorded. {@link #close()} also closes every
 * accepted connection, which ends handlers that write or sleep for ever.
 */
final class FaultServer implements AutoCloseable {
    /** Answers one request, given its head. */
    interface Handler {
        void handle(String requestHead, OutputStream out) throws Exception;
    }

    /** Serves one accepted connection as it likes, without reading a request head first (e.g. TLS bytes). */
    interface ConnectionHandler {
        void handle(Socket socket) throws Exception;
    }

    private static SSLContext tls; // made once, on first use
    private final ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();

    FaultServer(Handler handler) throws IOException {
        this(new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")), null, handler);
    }

    private FaultServer(ServerSocket server, ConnectionHandler raw, Handler handler) {
        this.server = server;
        Thread thread = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.add(s);
                    Thread t = new Thread(() -> serve(s, raw, handler), "fault-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "fault-server");
        thread.setDaemon(true);
        thread.start();
    }

    /** A server whose handler gets each accepted connection as it is. */
    static FaultServer raw(ConnectionHandler handler) throws IOException {
        return new FaultServer(new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")), handler, null);
    }

    /**
     * A server that speaks TLS, with a self-signed certificate for 127.0.0.1 made by the JDK's
     * keytool (clients set {@code https_insecure = True}); the handler writes plain text, which
     * the socket encrypts.
     */
    static FaultServer tls(Handler handler) throws Exception {
        SSLServerSocketFactory f = tlsContext().getServerSocketFactory();
        return new FaultServer(f.createServerSocket(0, 50, InetAddress.getByName("127.0.0.1")), null, handler);
    }

    private static synchronized SSLContext tlsContext() throws Exception {
        if (tls == null) {
            Path dir = Files.createTempDirectory("stowage-fault-tls-");
            Path store = dir.resolve("fault.p12");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "fault", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                    "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                    "-keypass", "changeit").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException("keytool failed: " + out);
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, "changeit".toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "changeit".toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            Files.delete(store);
            Files.delete(dir);
            tls = ctx;
        }
        return tls;
    }

    private void serve(Socket s, ConnectionHandler raw, Handler handler) {
        try (s) {
            if (raw != null) {
                raw.handle(s);
            } else {
                String head = readHead(s.getInputStream());
                requests.add(head);
                handler.handle(head, s.getOutputStream());
            }
            s.getOutputStream().flush();
        } catch (Exception ignored) {
            // the client may close first
        } finally {
            accepted.remove(s);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            String s = b.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r\n\r\n")) {
                return s;
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    String url(String path) {
        return (server instanceof SSLServerSocket ? "https" : "http") + "://127.0.0.1:"
                + server.getLocalPort() + path;
    }

    int port() {
        return server.getLocalPort();
    }

    static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Sends {@code s} one byte at a time, pausing {@code pauseMillis} after each. */
    static void trickle(OutputStream out, String s, long pauseMillis) throws IOException, InterruptedException {
        for (byte b : s.getBytes(StandardCharsets.ISO_8859_1)) {
            out.write(b);
            out.flush();
            Thread.sleep(pauseMillis);
        }
    }

    /** Sends {@code s} again and again, pausing {@code pauseMillis} after each, until the client goes away. */
    static void repeat(OutputStream out, String s, long pauseMillis) throws IOException, InterruptedException {
        while (true) {
            write(out, s);
            if (pauseMillis > 0) {
                Thread.sleep(pauseMillis);
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
    }
}
