package org.stowage.drivers.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.stowage.spi.StoreException;
import org.stowage.testing.ReliabilityRecorder;

/**
 * Fault-matrix rows of the http driver. The store is read-only, so its "leftovers" are the
 * connections it left open: this process's TCP sockets to the server's port that are not closed
 * (read from /proc/net/tcp{,6} and matched to /proc/self/fd, so other processes' sockets and
 * TIME_WAIT remnants do not count). There is nothing for {@code stowage gc} to do.
 */
final class FaultRows {
    private FaultRows() {
    }

    /** Open sockets of this JVM whose remote port is {@code port}, e.g. "127.0.0.1:41000 -> :8080 ESTABLISHED". */
    static List<String> openSocketsTo(int port) {
        Set<String> ours = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String t = Files.readSymbolicLink(fd).toString();
                    if (t.startsWith("socket:[")) {
                        ours.add(t.substring(8, t.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd", e);
        }
        List<String> out = new ArrayList<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (IOException e) {
                continue;
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 10) {
                    continue;
                }
                String rem = f[2];
                int remPort = Integer.parseInt(rem.substring(rem.indexOf(':') + 1), 16);
                if (remPort == port && ours.contains(f[9])) {
                    out.add("socket " + f[1].toLowerCase(Locale.ROOT) + " -> port " + port + " state " + state(f[3]));
                }
            }
        }
        return out;
    }

    private static String state(String hex) {
        switch (hex) {
            case "01": return "ESTABLISHED";
            case "02": return "SYN_SENT";
            case "04": return "FIN_WAIT1";
            case "05": return "FIN_WAIT2";
            case "06": return "TIME_WAIT";
            case "07": return "CLOSE";
            case "08": return "CLOSE_WAIT";
            case "09": return "LAST_ACK";
            default: return hex;
        }
    }

    /**
     * Records a row after waiting briefly (up to 2 s) for the sockets to the server to go away,
     * and returns what was left so the test can assert it is nothing.
     */
    static List<String> record(String fault, String injectedAt, Throwable error, int port) {
        List<String> left = openSocketsTo(port);
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            left = openSocketsTo(port);
        }
        ReliabilityRecorder.fault("http", fault, injectedAt, describe(error), left, null);
        return left;
    }

    static String describe(Throwable e) {
        if (e == null) {
            return "none";
        }
        String kind = e instanceof StoreException ? ((StoreException) e).kind().glanceName() : e.getClass().getSimpleName();
        String m = String.valueOf(e.getMessage());
        return kind + ": " + (m.length() > 220 ? m.substring(0, 220) + "..." : m);
    }
}
