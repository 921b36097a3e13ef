package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.stowage.testing.PrintedJson;

/**
 * Runs the unpacked distribution's {@code bin/stowage} as an operator would, for the
 * whole-process tests: a private copy of {@code distribution/target/stowage}, one process per
 * command, stdout (bytes) and stderr captured.
 */
final class StowageCli {
    /** Exit code and output of one run. */
    record Result(int code, String out, String err) {
    }

    private StowageCli() {
    }

    /** Copies the built distribution to {@code tmp/stowage} (without its class-data archive) and returns it. */
    static Path unpack(Path tmp) throws IOException {
        Path built = Path.of(System.getProperty("stowage.dist", "target/stowage"));
        assertThat(built.resolve("bin/stowage")).isExecutable();
        Path home = tmp.resolve("stowage");
        try (Stream<Path> s = Files.walk(built)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = home.resolve(built.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else if (!p.getFileName().toString().contains(".jsa")) {
                    Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return home;
    }

    /**
     * A process builder for {@code home/bin/stowage args...}, with SIGINT and SIGTERM at their
     * default handling (a test runner started in the background may have them ignored, which
     * the child would inherit).
     */
    static ProcessBuilder builder(Path home, String... args) {
        return builder(home, null, Map.of(), args);
    }

    /**
     * The embedded default configuration's data directory for runs of {@code home}: each copy of the
     * distribution gets its own {@code XDG_DATA_HOME} beside it, so no test writes into the real
     * user's {@code ~/.local/share}.
     */
    static Path data(Path home) {
        return dataHome(home).resolve("stowage");
    }

    /** The {@code XDG_DATA_HOME} that the runs of {@code home} get. */
    static Path dataHome(Path home) {
        return home.resolveSibling(home.getFileName() + "-xdg-data");
    }

    /**
     * The {@code XDG_CACHE_HOME} that the runs of {@code home} get (where plugin zips are expanded),
     * so no test writes into the real user's {@code ~/.cache}.
     */
    static Path cacheHome(Path home) {
        return home.resolveSibling(home.getFileName() + "-xdg-cache");
    }

    /** As {@link #builder(Path, String...)}, in {@code cwd} (null: this process's) with {@code env} added. */
    static ProcessBuilder builder(Path home, Path cwd, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT,TERM"));
        cmd.add(home.resolve("bin/stowage").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        pb.environment().put("XDG_DATA_HOME", dataHome(home).toString());
        pb.environment().put("XDG_CACHE_HOME", cacheHome(home).toString());
        pb.environment().putAll(env);
        pb.environment().remove("STOWAGE_CONFIG");
        pb.environment().put("STOWAGE_NO_CDS", "1");
        return pb;
    }

    /** Runs {@code home/bin/stowage args...}, with {@code stdin} as standard input (null: none). */
    static Result run(Path home, Path stdin, String... args) throws Exception {
        return run(home, stdin, null, Map.of(), args);
    }

    /** Runs {@code home/bin/stowage args...} in {@code cwd} (null: this process's) with {@code env} added. */
    static Result run(Path home, Path cwd, Map<String, String> env, String... args) throws Exception {
        return run(home, null, cwd, env, args);
    }

    private static Result run(Path home, Path stdin, Path cwd, Map<String, String> env, String... args) throws Exception {
        ProcessBuilder pb = builder(home, cwd, env, args);
        pb.redirectInput(stdin != null ? ProcessBuilder.Redirect.from(stdin.toFile()) : ProcessBuilder.Redirect.PIPE);
        Path out = Files.createTempFile("out", ".bin");
        Path err = Files.createTempFile("err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (stdin == null) {
            p.getOutputStream().close();
        }
        int code = p.waitFor();
        Result r = new Result(code, Files.readString(out, StandardCharsets.ISO_8859_1), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    /**
     * Runs {@code pb} (stdin empty) and waits at most {@code limit}: a process still running then is
     * killed with all its descendants and the test fails, naming the command and what it had
     * printed. A test of the form "ends within its deadline" must never wait without one itself.
     */
    static Result runWithin(Duration limit, ProcessBuilder pb) throws Exception {
        Path out = Files.createTempFile("out", ".bin");
        Path err = Files.createTempFile("err", ".txt");
        try {
            pb.redirectInput(ProcessBuilder.Redirect.PIPE).redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(p);
                fail("%s did not end within %.1f s (killed); stderr so far: %s", pb.command(),
                        limit.toMillis() / 1000.0, Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1), Files.readString(err));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    /** Kills {@code p} and every process it started (SIGKILL), and waits until they are gone. */
    static void killTree(Process p) throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.add(p.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : tree) {
            h.onExit().completeOnTimeout(h, 10, TimeUnit.SECONDS).join();
        }
    }

    /**
     * Feeds {@code p}'s stdin slowly from a daemon thread: 64 KiB every {@code everyMs} ms,
     * {@code chunks} times (-1: until the process ends), then closes it.
     */
    static void feedSlowly(Process p, int chunks, long everyMs) {
        Thread feeder = new Thread(() -> {
            byte[] chunk = new byte[64 * 1024];
            try (java.io.OutputStream in = p.getOutputStream()) {
                for (int i = 0; (chunks < 0 || i < chunks) && p.isAlive(); i++) {
                    in.write(chunk);
                    in.flush();
                    Thread.sleep(everyMs);
                }
            } catch (IOException | InterruptedException e) {
                // the process ended: broken pipe
            }
        }, "slow-stdin");
        feeder.setDaemon(true);
        feeder.start();
    }

    /**
     * Sends signal {@code name} (TERM, INT) to {@code p}. Not {@link Process#destroy()}: it also
     * closes the process's stdin, and an add would see the end of its data.
     */
    static void signal(Process p, String name) throws Exception {
        assertThat(new ProcessBuilder("kill", "-s", name, String.valueOf(p.pid())).start().waitFor()).isZero();
    }

    /** The first field of a checksum tool's output ({@code md5sum FILE}). */
    static String tool(String name, Path file) throws Exception {
        Process p = new ProcessBuilder(name, file.toString()).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).isZero();
        return out.split("\\s+")[0];
    }

    /**
     * Every entry under {@code dir} (relative), with its type, size, permissions, owner and
     * modification time, sorted: two listings are equal only if nothing under {@code dir} was
     * created, removed, written, re-timed or re-permissioned in between (a file made and removed
     * again still changes its directory's time).
     */
    static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> {
                try {
                    PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    return dir.relativize(p) + " " + (a.isDirectory() ? "d" : a.size()) + " "
                            + PosixFilePermissions.toString(a.permissions()) + " " + a.owner().getName() + " "
                            + a.lastModifiedTime();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sorted().toList();
        }
    }

    /** A JSON object printed by the CLI. */
    static Map<String, Object> json(String text) {
        return PrintedJson.object(text);
    }
}
