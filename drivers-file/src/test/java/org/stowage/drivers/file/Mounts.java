package org.stowage.drivers.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real small file systems for tests: size-limited tmpfs mounts (disk full), read-only remounts
 * and {@code chattr +i} (write denied). These need root; without it the tests are skipped with
 * the reason. Root bypasses mode bits, so chmod cannot make a directory unwritable for these
 * tests: a read-only mount (EROFS) or the immutable attribute (EPERM) can.
 */
final class Mounts implements AutoCloseable {
    private final List<Path> mounted = new ArrayList<>();
    private final List<Path> immutable = new ArrayList<>();

    /** Mounts a tmpfs of {@code size} (e.g. "2m") on {@code dir}, creating it. */
    Path tmpfs(Path dir, String size) throws IOException {
        Files.createDirectories(dir);
        run(true, "mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "tmpfs", dir.toString());
        mounted.add(dir);
        return dir;
    }

    /** Remounts a mount read-only (or read-write again). */
    void remount(Path dir, boolean readOnly) throws IOException {
        run(false, "mount", "-o", "remount," + (readOnly ? "ro" : "rw"), dir.toString());
    }

    /** Sets (or clears) the immutable attribute. */
    void immutable(Path p, boolean on) throws IOException {
        run(true, "chattr", on ? "+i" : "-i", p.toString());
        if (on) {
            immutable.add(p);
        } else {
            immutable.remove(p);
        }
    }

    private static void run(boolean skipIfUnavailable, String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (p.exitValue() != 0) {
            String msg = String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out.trim();
            if (skipIfUnavailable) {
                Assumptions.abort("needs root (mount/chattr) for a real small or read-only file system: " + msg);
            }
            throw new IOException(msg);
        }
    }

    @Override
    public void close() throws IOException {
        for (Path p : List.copyOf(immutable)) {
            run(false, "chattr", "-i", p.toString());
        }
        for (int i = mounted.size() - 1; i >= 0; i--) {
            Path dir = mounted.get(i);
            try {
                run(false, "umount", dir.toString());
            } catch (IOException e) {
                run(false, "umount", "-l", dir.toString());
            }
        }
    }
}
