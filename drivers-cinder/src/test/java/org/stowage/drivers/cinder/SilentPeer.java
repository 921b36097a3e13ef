package org.stowage.drivers.cinder;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A peer that accepts connections and never answers (a hung Keystone or Cinder), counting the
 * connections it accepted. Closing it closes every connection it holds.
 */
final class SilentPeer implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    SilentPeer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptForever, "silent-peer-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    private void acceptForever() {
        while (!server.isClosed()) {
            try {
                held.add(server.accept());
                accepted.incrementAndGet();
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** {@code http://127.0.0.1:<port>/v3}, as a Keystone address. */
    String keystoneUrl() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/v3";
    }

    /** The connections accepted so far. */
    int accepted() {
        return accepted.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : held) {
            s.close();
        }
    }
}
