package org.stowage.drivers.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A raw TCP server on 127.0.0.1 for the faults a real server will not produce: a body cut short,
 * a dropped chunked body, a hang, conflicting headers. Each connection's request head is recorded.
 */
final class FaultServer implements AutoCloseable {
    interface Handler {
        void handle(String requestHead, OutputStream out) throws Exception;
    }

    private final ServerSocket server;
    private final Thread thread;
    final List<String> requests = new CopyOnWriteArrayList<>();

    FaultServer(Handler handler) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        thread = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread t = new Thread(() -> serve(s, handler), "fault-conn");
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

    private void serve(Socket s, Handler handler) {
        try (s) {
            String head = readHead(s.getInputStream());
            requests.add(head);
            handler.handle(head, s.getOutputStream());
            s.getOutputStream().flush();
        } catch (Exception ignored) {
            // the client may close first
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
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    int port() {
        return server.getLocalPort();
    }

    static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
