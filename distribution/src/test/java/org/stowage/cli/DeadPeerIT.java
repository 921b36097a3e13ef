package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command that touches one store does not wait on another: next to a file store, a cinder store
 * whose Keystone accepts connections and never answers (a plain ServerSocket; its own timeouts
 * are minutes long) neither slows {@code size}/{@code get} of a file location nor {@code stores},
 * which do not even connect to it; {@code health} reports it unreachable after its timeout and
 * the file store ok. Nothing is written anywhere.
 */
class DeadPeerIT {
    /** Far below the cinder store's own timeouts (a 120 s read timeout, retried). */
    static final long QUICK_MS = 10_000;

    static Path home;
    ServerSocket peer;
    final AtomicInteger accepted = new AtomicInteger();
    final List<Socket> held = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void setUp(@TempDir Path tmp) throws Exception {
        home = StowageCli.unpack(tmp);
    }

    @BeforeEach
    void startPeer() throws IOException {
        peer = new ServerSocket(0);
        Thread t = new Thread(() -> {
            while (!peer.isClosed()) {
                try {
                    held.add(peer.accept());
                    accepted.incrementAndGet();
                } catch (IOException e) {
                    return;
                }
            }
        }, "dead-peer");
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void stopPeer() throws IOException {
        peer.close();
        for (Socket s : held) {
            s.close();
        }
    }

    /** One run, killed (and failed) if it takes more than {@code limitMs}. */
    record Timed(int code, String out, String err, long tookMs) {
    }

    static Timed run(long limitMs, String... args) throws Exception {
        Path out = Files.createTempFile("out", ".txt");
        Path err = Files.createTempFile("err", ".txt");
        ProcessBuilder pb = StowageCli.builder(home, args).redirectOutput(out.toFile()).redirectError(err.toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        p.getOutputStream().close();
        boolean ended = p.waitFor(limitMs, TimeUnit.MILLISECONDS);
        long took = (System.nanoTime() - t0) / 1_000_000;
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
        }
        Timed r = new Timed(ended ? p.exitValue() : -1, Files.readString(out), Files.readString(err), took);
        Files.delete(out);
        Files.delete(err);
        assertThat(ended).as("stowage %s still running after %d ms: %s", String.join(" ", args), limitMs, r.err())
                .isTrue();
        return r;
    }

    Path conf(Path tmp) throws IOException {
        Path conf = tmp.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = fast:file, blk:cinder\n[glance_store]\n"
                + "default_backend = fast\n[fast]\nfilesystem_store_datadir = " + tmp.resolve("fast") + "\n"
                + "[blk]\ncinder_volume_type = glance-fast\ncinder_store_auth_address = http://127.0.0.1:"
                + peer.getLocalPort() + "/v3\ncinder_store_user_name = glance\ncinder_store_password = glance\n"
                + "cinder_store_project_name = service\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + tmp.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + tmp.resolve("tasks") + "\n");
        return conf;
    }

    @Test
    void fileCommandsAndStoresDoNotWaitForADeadCinder(@TempDir Path tmp) throws Exception {
        String c = conf(tmp).toString();
        Path fast = Files.createDirectories(tmp.resolve("fast"));
        String id = UUID.randomUUID().toString();
        Files.write(fast.resolve(id), "five!".getBytes(StandardCharsets.UTF_8));
        List<String> before = tree(tmp);

        Timed size = run(3 * QUICK_MS, "-q", "--config", c, "size", "file://" + fast + "/" + id);
        assertThat(size.code()).as(size.err()).isZero();
        assertThat(size.out().strip()).isEqualTo("5");
        assertThat(size.tookMs()).isLessThan(QUICK_MS);

        Timed get = run(3 * QUICK_MS, "-q", "--config", c, "get", "file://" + fast + "/" + id);
        assertThat(get.out()).isEqualTo("five!");
        assertThat(get.tookMs()).isLessThan(QUICK_MS);

        Timed stores = run(3 * QUICK_MS, "-q", "--config", c, "stores");
        assertThat(stores.code()).as(stores.err()).isZero();
        assertThat(StoreStatusIT.row(stores.out(), "blk")).endsWith("not checked");
        assertThat(stores.tookMs()).isLessThan(QUICK_MS);

        assertThat(accepted.get()).as("connections to the dead Keystone").isZero();
        assertThat(tree(tmp)).as("nothing written").isEqualTo(before);
    }

    /**
     * Every other command that touches only the file store, writes included, connects to nothing
     * either: add, verify, images list and gc of the file store, locations upgrade of a file
     * location, delete.
     */
    @Test
    void everyFileStoreCommandConnectsToNothing(@TempDir Path tmp) throws Exception {
        String c = conf(tmp).toString();
        Path image = Files.write(tmp.resolve("image.raw"), "seven!!".getBytes(StandardCharsets.UTF_8));

        Timed add = run(3 * QUICK_MS, "-q", "--config", c, "add", image.toString());
        assertThat(add.code()).as(add.err()).isZero();
        String location = (String) StowageCli.json(add.out()).get("location");
        Path doc = Files.writeString(tmp.resolve("images.json"), "[{\"id\":\"" + UUID.randomUUID()
                + "\",\"locations\":[{\"url\":\"" + location + "\",\"metadata\":{}}]}]");
        List<List<String>> commands = List.of(List.of("verify", location), List.of("images", "list", "--store", "fast"),
                List.of("gc", "--dry-run", "--store", "fast"), List.of("gc", "--store", "fast"),
                List.of("locations", "upgrade", doc.toString()), List.of("delete", location));
        for (List<String> cmd : commands) {
            List<String> args = new ArrayList<>(List.of("-q", "--config", c));
            args.addAll(cmd);
            Timed r = run(3 * QUICK_MS, args.toArray(String[]::new));
            assertThat(r.code()).as("%s: %s", cmd, r.err()).isZero();
            assertThat(r.tookMs()).as("%s", cmd).isLessThan(QUICK_MS);
        }
        assertThat(accepted.get()).as("connections to the dead Keystone").isZero();
    }

    @Test
    void healthReportsTheDeadCinderUnreachableWithinItsTimeout(@TempDir Path tmp) throws Exception {
        String c = conf(tmp).toString();
        Files.createDirectories(tmp.resolve("fast"));
        List<String> before = tree(tmp);

        Timed h = run(3 * QUICK_MS, "-q", "--config", c, "health", "--timeout", "2", "--json");
        assertThat(h.code()).as(h.err()).isEqualTo(HealthCommand.UNHEALTHY);
        assertThat(h.tookMs()).isLessThan(QUICK_MS);
        List<Map<String, Object>> list = HealthCliIT.array(h.out());
        assertThat(list.get(0)).containsEntry("id", "fast").containsEntry("status", "ok");
        assertThat(list.get(1)).containsEntry("id", "blk").containsEntry("state", "unreachable");
        assertThat(((Number) list.get(1).get("latency_ms")).longValue()).isLessThanOrEqualTo(2_500);

        Timed detail = run(3 * QUICK_MS, "-q", "--config", c, "stores", "--detail", "--timeout", "2");
        assertThat(detail.tookMs()).isLessThan(QUICK_MS);
        assertThat(StoreStatusIT.row(detail.out(), "blk")).contains("unreachable: ");
        assertThat(tree(tmp)).as("nothing written").isEqualTo(before);
    }

    static List<String> tree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(Path::toString).sorted().toList();
        }
    }
}
