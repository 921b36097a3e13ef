package org.stowage.drivers.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stowage.core.AddResult;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageStream;
import org.stowage.spi.Leftover;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreException;
import org.stowage.tck.DirectAdds;
import org.stowage.tck.TestStoreContext;

/**
 * Adds of one image id from two real processes ({@link AddProcess}, like two glance-api workers)
 * into one multi-directory store, and what an add killed with SIGKILL leaves behind.
 */
class FileStoreCrossProcessTest {
    private static final Duration LINE_DEADLINE = Duration.ofSeconds(60);
    private Path root;
    private Mounts mounts;
    private final List<Process> processes = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createTempDirectory("stowage-file-xproc");
        mounts = new Mounts();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        mounts.close();
        FileFixture.deleteTree(root);
    }

    /**
     * Two processes add one id at once to a store of two equal-priority directories on two
     * file systems of the same size; the second starts a few milliseconds after the first, when
     * the first has written into one directory, so free space sends it to the other one (without
     * a claim both links succeed). Every round: one WON, one DUPLICATE, the winner's bytes
     * stored, no temporary or claim file left. Rounds swap which process goes first.
     */
    @Test
    void addsOfOneIdFromTwoProcessesHaveOneWinner() throws Exception {
        List<Path> dirs = List.of(mounts.tmpfs(root.resolve("a"), "64m"), mounts.tmpfs(root.resolve("b"), "64m"));
        List<String> datadirs = List.of(dirs.get(0) + ":100", dirs.get(1) + ":100");
        Worker[] workers = {start(datadirs), start(datadirs)};
        FileStoreDriver store = store(datadirs);
        int size = 4 * 1024 * 1024;
        for (int round = 0; round < 6; round++) {
            String id = UUID.randomUUID().toString();
            Path go = root.resolve("go-" + round);
            for (int w = 0; w < 2; w++) {
                long delay = (w + round) % 2 == 0 ? 0 : 5 + round * 5;
                workers[w].send("add " + id + " " + size + " " + (round * 2 + w) + " " + delay + " " + go);
            }
            Files.createFile(go);
            String[] results = {workers[0].line(), workers[1].line()};

            List<Integer> won = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                assertThat(results[w]).as("round %d, process %d", round, w).matches("(WON|DUPLICATE) .*");
                if (results[w].startsWith("WON ")) {
                    won.add(w);
                }
            }
            assertThat(won).as("winners of round %d: %s", round, List.of(results)).hasSize(1);
            String location = results[won.get(0)].substring(4);
            assertThat(read(store, location)).as("round %d: the stored image is the winner's", round)
                    .isEqualTo(AddProcess.data(size, round * 2 + won.get(0)));
            assertThat(hiddenFiles(dirs)).as("temporary or claim files after round %d", round).isEmpty();
            store.delete(store.locations().parse(location)); // both file systems equally free for the next round
        }
    }

    /**
     * An add in another process that holds its claim keeps this process's add of the id out
     * (Duplicate) and its claim is no leftover; after SIGKILL the claim file stays, unlocked: gc
     * (the inventory's leftovers and remove) reports and removes it with the partial file, and the id
     * can be added again with nothing left over.
     */
    @Test
    void theClaimOfAKilledAddIsALeftoverThatGcRemoves() throws Exception {
        List<Path> dirs = List.of(root.resolve("a"), root.resolve("b"));
        List<String> datadirs = List.of(dirs.get(0) + ":100", dirs.get(1) + ":200");
        FileStoreDriver store = store(datadirs);
        String id = UUID.randomUUID().toString();
        Path claim = dirs.get(0).resolve("." + id + FileStoreDriver.CLAIM_SUFFIX);
        Worker killed = hangingAdd(datadirs, id);

        assertThat(claim).as("the running add's claim, in the directory with the smallest path").isRegularFile();
        assertThatThrownBy(() -> add(store, id, new byte[] {1, 2, 3})).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.DUPLICATE)
                .hasMessageContaining("being added by another add").hasMessageContaining(claim.toString());
        assertThat(store.inventory().orElseThrow().leftovers(Duration.ZERO)).extracting(Leftover::id).as("a held claim is no leftover")
                .doesNotContain(claim.toString());
        assertThatThrownBy(() -> store.inventory().orElseThrow().remove(new Leftover(claim.toString(), "forged", Instant.now())))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND).hasMessageContaining("held by a running add");
        assertThat(claim).as("a held claim is not removed").isRegularFile();

        killed.kill();
        assertThat(claim).as("a killed add's claim file stays").isRegularFile();
        List<Leftover> found = store.inventory().orElseThrow().leftovers(Duration.ZERO);
        assertThat(found).extracting(Leftover::id).contains(claim.toString());
        assertThat(found).filteredOn(l -> l.id().equals(claim.toString())).singleElement()
                .satisfies(l -> assertThat(l.description()).contains("claim file").contains(id));
        assertThat(store.inventory().orElseThrow().leftovers(Duration.ofHours(1))).as("older-than keeps a new one").isEmpty();
        for (Leftover l : found) {
            store.inventory().orElseThrow().remove(l);
        }
        assertThat(hiddenFiles(dirs)).as("after gc").isEmpty();

        byte[] data = AddProcess.data(100_000, 5);
        AddResult r = add(store, id, data);
        assertThat(read(store, r.location())).isEqualTo(data);
        assertThat(hiddenFiles(dirs)).isEmpty();
    }

    /** Without gc, the next add of a killed add's id takes the unlocked claim over and removes it. */
    @Test
    void theClaimOfAKilledAddDoesNotStopTheNextAdd() throws Exception {
        List<Path> dirs = List.of(root.resolve("b"), root.resolve("a"));
        List<String> datadirs = List.of(dirs.get(0) + ":100", dirs.get(1) + ":100");
        FileStoreDriver store = store(datadirs);
        String id = UUID.randomUUID().toString();
        Path claim = root.resolve("a").resolve("." + id + FileStoreDriver.CLAIM_SUFFIX);
        hangingAdd(datadirs, id).kill();
        assertThat(claim).isRegularFile();

        byte[] data = AddProcess.data(300_000, 9);
        AddResult r = add(store, id, data);

        assertThat(read(store, r.location())).isEqualTo(data);
        assertThat(claim).doesNotExist();
        assertThat(hiddenFiles(dirs)).as("only the killed add's partial file").singleElement().asString()
                .contains(FileStoreDriver.PARTIAL_INFIX);
    }

    /** A single-directory store needs no claim (its link is the one winner): a running add makes only its partial file. */
    @Test
    void aSingleDirectoryStoreTakesNoClaim() throws Exception {
        Path dir = root.resolve("only");
        String id = UUID.randomUUID().toString();
        Worker w = hangingAdd(List.of(dir.toString()), id);

        assertThat(hiddenFiles(List.of(dir))).singleElement().asString().contains(FileStoreDriver.PARTIAL_INFIX);
        w.kill();
    }

    /** Starts a process whose add of {@code id} is stuck after its first bytes, with its claim held. */
    private Worker hangingAdd(List<String> datadirs, String id) throws Exception {
        Worker w = start(datadirs);
        w.send("hang " + id);
        assertThat(w.line()).isEqualTo("WRITING");
        return w;
    }

    private FileStoreDriver store(List<String> datadirs) {
        FileStoreDriverFactory f = new FileStoreDriverFactory();
        TestStoreContext ctx = TestStoreContext.of(f, "fs", List.of(new Setting(FileOptions.DATADIRS.name(), datadirs,
                "test")), true);
        closeables.add(ctx);
        FileStoreDriver d = (FileStoreDriver) f.create(ctx);
        closeables.add(d);
        return d;
    }

    private static AddResult add(FileStoreDriver d, String id, byte[] data) {
        return DirectAdds.add(d, id, data);
    }

    private static byte[] read(FileStoreDriver d, String location) throws IOException {
        try (ImageStream s = d.get(d.locations().parse(location), 0, -1)) {
            return s.readAllBytes();
        }
    }

    /** Names starting with '.' (temporary and claim files) in the directories. */
    private static List<String> hiddenFiles(List<Path> dirs) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path d : dirs) {
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    out.addAll(s.filter(p -> p.getFileName().toString().startsWith(".")).map(Path::toString)
                            .collect(Collectors.toList()));
                }
            }
        }
        return out;
    }

    private Worker start(List<String> datadirs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), AddProcess.class.getName()));
        cmd.addAll(datadirs);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.add(p);
        Worker w = new Worker(p);
        assertThat(w.line()).isEqualTo("READY");
        return w;
    }

    /** A running {@link AddProcess}: commands in, result lines out, each line awaited with a deadline. */
    private static final class Worker {
        final Process process;
        final BufferedReader out;
        final OutputStream in;

        Worker(Process process) {
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.in = process.getOutputStream();
        }

        void send(String command) throws IOException {
            in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        String line() throws Exception {
            CompletableFuture<String> next = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try {
                return next.get(LINE_DEADLINE.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                process.destroyForcibly();
                throw new AssertionError("process " + process.pid() + " printed nothing within " + LINE_DEADLINE, e);
            }
        }

        /** SIGKILL, and wait until the process is gone. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("process killed").isTrue();
        }
    }
}
