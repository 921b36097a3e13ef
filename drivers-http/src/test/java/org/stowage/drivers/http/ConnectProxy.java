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

/** A minimal CONNECT proxy on 127.0.0.1 (nginx has no CONNECT): records each request head and pipes bytes. */
final class ConnectProxy implements AutoCloseable {
    private final ServerSocket server;
    final List<String> requests = new CopyOnWriteArrayList<>();

    ConnectProxy() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket c = server.accept();
                    daemon(() -> serve(c));
                } catch (IOException e) {
                    return;
                }
            }
        }, "connect-proxy");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "connect-proxy-conn");
        t.setDaemon(true);
        t.start();
    }

    private void serve(Socket client) {
        try {
            InputStream in = client.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                head.write(c);
                if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    break;
                }
            }
            String h = head.toString(StandardCharsets.ISO_8859_1);
            requests.add(h);
            String[] target = h.split(" ")[1].split(":");
            Socket upstream = new Socket(target[0], Integer.parseInt(target[1]));
            client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            client.getOutputStream().flush();
            daemon(() -> pipe(upstream, client));
            pipe(client, upstream);
        } catch (IOException | RuntimeException e) {
            close(client);
        }
    }

    private static void pipe(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException ignored) {
            // one side closed
        } finally {
            close(from);
            close(to);
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
