package org.stowage.drivers.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.stowage.tck.StoreBehavior;
import org.stowage.tck.StoreDriverTestKit;

/**
 * The kit's window onto file-store directories: leftovers are temporary files (names starting
 * with '.') and anything that is not a regular file; open resources are this process's file
 * descriptors and memory maps that point into the directories.
 */
final class FileFixture implements StoreDriverTestKit.Fixture {
    /** What a file store does, in every configuration the kit runs. */
    static final Set<StoreBehavior> BEHAVIORS = EnumSet.of(StoreBehavior.WRITE, StoreBehavior.DELETE,
            StoreBehavior.REJECTS_DUPLICATE_IDS, StoreBehavior.READ_RANGES,
            StoreBehavior.LEFTOVER_GC);

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

    /** The partial file a crashed add leaves: {@code .<id>.stowage-partial-<16 hex digits>} in the first directory. */
    @Override
    public Optional<String> plantLeftover(String imageId) {
        try {
            Path dir = Files.createDirectories(dirs.get(0));
            Path partial = dir.resolve("." + imageId + ".stowage-partial-" + HexFormat.of().toHexDigits(System.nanoTime()));
            Files.write(partial, new byte[] {1, 2, 3});
            return Optional.of(partial.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot plant a partial file in " + dirs.get(0), e);
        }
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
