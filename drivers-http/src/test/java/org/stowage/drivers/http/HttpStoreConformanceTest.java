package org.stowage.drivers.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.stowage.tck.StoreBehavior;
import org.stowage.tck.StoreDriverTestKit;
import org.stowage.testing.Nginx;

/**
 * The driver conformance kit against nginx: images are seeded as files in nginx's web root and
 * read through the basic-auth location (so the kit also checks that the password never shows);
 * the kit checks that adds and deletes are refused, since the store is read-only.
 */
@ExtendWith(Nginx.Extension.class)
class HttpStoreConformanceTest extends StoreDriverTestKit {
    private final Nginx nginx;

    HttpStoreConformanceTest(Nginx nginx) {
        this.nginx = nginx;
    }

    @Override
    protected String storeType() {
        return "http";
    }

    /** Read-only: ranged reads only, and a read past the end is empty. */
    @Override
    protected Set<StoreBehavior> behaviors() {
        return EnumSet.of(StoreBehavior.READ_RANGES);
    }

    @Override
    protected Map<String, String> settings(String storeId) {
        return Map.of(HttpOptions.CA_FILE.name(), nginx.caFile.toString());
    }

    @Override
    protected Set<String> secrets() {
        return Set.of(Nginx.AUTH_PASSWORD);
    }

    @Override
    protected Fixture createFixture(String storeId) {
        return new Fixture() {
            private final List<Path> seeded = new ArrayList<>();
            private int n;

            @Override
            public List<String> leftovers() {
                return List.of(); // a read-only store writes nothing
            }

            @Override
            public int openResources() {
                return openConnectionsTo(Set.of(nginx.plainPort, nginx.tlsPort));
            }

            @Override
            public Optional<String> seedImage(String imageId, byte[] data) {
                try {
                    Path p = nginx.dir.resolve("www").resolve("tck-" + imageId);
                    Files.write(p, data);
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
                    seeded.add(p);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                // alternate plain and TLS, both through basic auth
                boolean tls = n++ % 2 == 1;
                return Optional.of((tls ? "https" : "http") + "://" + Nginx.AUTH_USER + ":" + Nginx.AUTH_PASSWORD
                        + "@127.0.0.1:" + (tls ? nginx.tlsPort : nginx.plainPort) + "/auth/tck-" + imageId);
            }

            @Override
            public Optional<String> missingLocation() {
                return Optional.of(nginx.http("/tck-missing-" + System.nanoTime()));
            }

            @Override
            public void close() throws IOException {
                for (Path p : seeded) {
                    Files.deleteIfExists(p);
                }
            }
        };
    }

    /** Established TCP connections of this process to the given local ports (/proc/self/fd + /proc/net/tcp). */
    static int openConnectionsTo(Set<Integer> ports) {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String t = Files.readSymbolicLink(fd).toString();
                    if (t.startsWith("socket:[")) {
                        inodes.add(t.substring(8, t.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
            int count = 0;
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                Path p = Path.of(table);
                if (!Files.exists(p)) {
                    continue;
                }
                List<String> lines = Files.readAllLines(p);
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    int remPort = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
                    if (ports.contains(remPort) && inodes.contains(f[9])) {
                        count++;
                    }
                }
            }
            return count;
        } catch (IOException e) {
            return -1;
        }
    }
}
