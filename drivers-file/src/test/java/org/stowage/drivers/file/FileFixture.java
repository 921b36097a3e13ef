package org.stowage.drivers.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.stowage.tck.StoreDriverTestKit;

/**
 * The kit's window onto file-store directories: leftovers are temporary files (names starting
 * with '.') and anything that is not a regular file; open resources are this process's file
 * descriptors and memory maps that point into the directories.
 */
final class FileFixture implements StoreDriverTestKit.Fixture {
    private final List<Path> dirs;
    private final Path root;

    FileFixture(Path root, List<Path> dirs) {
        this.root = root;
        this.dirs = dirs;
    }

    @Override
    public List<String> leftovers() {
        List<String> out = new ArrayList<>();
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> s = Files.list(d)) {
                s.forEach(p -> {
                    String name = p.getFileName().toString();
                    if (name.startsWith(".") || !Files.isRegularFile(p)) {
                        out.add(p.toString());
                    }
                });
            } catch (IOException e) {
                throw new IllegalStateException("cannot list " + d, e);
            }
        }
        return out;
    }

    @Override
    public int openResources() {
        return openUnder(dirs);
    }

    /** File descriptors and memory maps of this process that point under any of {@code dirs}. */
    static int openUnder(List<Path> dirs) {
        int n = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (dirs.stream().anyMatch(d -> target.startsWith(d) && !target.equals(d))) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                for (Path d : dirs) {
                    if (line.contains(" " + d + "/")) {
                        n++;
                    }
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        deleteTree(root);
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted((a, b) -> b.compareTo(a))::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
