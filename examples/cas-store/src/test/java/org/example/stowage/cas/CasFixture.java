package org.example.stowage.cas;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.stowage.tck.StoreDriverTestKit;

/**
 * The kit's window onto a cas root, written independently of the driver: {@link #leftovers()}
 * is a consistency check of the whole directory (nothing in tmp/, every object named by the
 * SHA-256 of its bytes at the configured depth, every count equal to the number of references
 * that name the object, no reference to a missing object, nothing else anywhere).
 */
final class CasFixture implements StoreDriverTestKit.Fixture {
    private static final Set<String> TOP = Set.of("layout", "lock", "objects", "refs", "tmp");

    final Path base;
    final Path root;
    final int shardDepth;
    private final String storeId;
    private final boolean seeds;

    /** @param seeds whether this fixture seeds images itself (for a read-only store) */
    CasFixture(String storeId, int shardDepth, boolean seeds) throws IOException {
        this.base = Files.createTempDirectory("stowage-cas-tck");
        this.root = base.resolve("cas");
        this.storeId = storeId;
        this.shardDepth = shardDepth;
        this.seeds = seeds;
    }

    static String sha256(byte[] data) {
        return HexFormat.of().formatHex(digest().digest(data));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Path objectPath(String hex) {
        Path p = root.resolve("objects");
        for (int i = 0; i < shardDepth; i++) {
            p = p.resolve(hex.substring(2 * i, 2 * i + 2));
        }
        return p.resolve(hex.substring(2 * shardDepth));
    }

    /** Every object file (not counts) under objects/. */
    List<Path> objectFiles() throws IOException {
        Path objects = root.resolve("objects");
        if (!Files.isDirectory(objects)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(objects)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".count")).sorted().toList();
        }
    }

    @Override
    public List<String> leftovers() {
        try {
            return check();
        } catch (IOException e) {
            throw new IllegalStateException("cannot check " + root, e);
        }
    }

    private List<String> check() throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.exists(root)) {
            return out;
        }
        try (Stream<Path> s = Files.list(root)) {
            s.filter(p -> !TOP.contains(p.getFileName().toString())).forEach(p -> out.add("unexpected entry " + p));
        }
        Path tmp = root.resolve("tmp");
        if (Files.isDirectory(tmp)) {
            try (Stream<Path> s = Files.list(tmp)) {
                s.forEach(p -> out.add("temporary file " + p));
            }
        }
        Map<String, Integer> referenced = new TreeMap<>();
        Path refs = root.resolve("refs");
        if (Files.isDirectory(refs)) {
            try (Stream<Path> s = Files.list(refs)) {
                for (Path ref : (Iterable<Path>) s::iterator) {
                    String sha = null;
                    Long size = null;
                    for (String line : Files.readAllLines(ref, StandardCharsets.UTF_8)) {
                        if (line.startsWith("sha256=")) {
                            sha = line.substring(7);
                        } else if (line.startsWith("size=")) {
                            size = Long.parseLong(line.substring(5));
                        }
                    }
                    if (sha == null || size == null || !sha.matches("[0-9a-f]{64}")) {
                        out.add("malformed reference file " + ref);
                        continue;
                    }
                    referenced.merge(sha, 1, Integer::sum);
                    Path obj = objectPath(sha);
                    if (!Files.isRegularFile(obj)) {
                        out.add("reference " + ref + " names the missing object " + obj);
                    } else if (Files.size(obj) != size) {
                        out.add("reference " + ref + " records size " + size + " but " + obj + " has " + Files.size(obj));
                    }
                }
            }
        }
        Path objects = root.resolve("objects");
        if (Files.isDirectory(objects)) {
            try (Stream<Path> s = Files.walk(objects)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    if (p.equals(objects)) {
                        continue;
                    }
                    int depth = objects.relativize(p).getNameCount();
                    if (Files.isDirectory(p)) {
                        if (depth > shardDepth || !p.getFileName().toString().matches("[0-9a-f]{2}")) {
                            out.add("unexpected directory " + p);
                        }
                        continue;
                    }
                    String rel = objects.relativize(p).toString().replace("/", "");
                    boolean isCount = rel.endsWith(".count");
                    String sha = isCount ? rel.substring(0, rel.length() - 6) : rel;
                    if (depth != shardDepth + 1 || !sha.matches("[0-9a-f]{64}")) {
                        out.add("unexpected file " + p);
                        continue;
                    }
                    int refCount = referenced.getOrDefault(sha, 0);
                    if (isCount) {
                        String n = Files.readString(p).trim();
                        if (!n.equals(String.valueOf(refCount))) {
                            out.add("count " + p + " says " + n + " but " + refCount + " reference files name the object");
                        }
                        if (!Files.isRegularFile(objectPath(sha))) {
                            out.add("count " + p + " without its object");
                        }
                    } else {
                        if (refCount == 0) {
                            out.add("unreferenced object " + p);
                        }
                        if (!Files.isRegularFile(Path.of(p + ".count"))) {
                            out.add("object " + p + " has no count file");
                        }
                        String actual = hashFile(p);
                        if (!actual.equals(sha)) {
                            out.add("object " + p + " holds bytes with SHA-256 " + actual);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static String hashFile(Path p) throws IOException {
        MessageDigest d = digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(p), d)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(d.digest());
    }

    @Override
    public int openResources() {
        int n = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(root) && !target.equals(root)) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return n;
    }

    /** Writes the layout the way the driver documents it (object, count, reference). */
    @Override
    public synchronized Optional<String> seedImage(String imageId, byte[] data) {
        if (!seeds) {
            return Optional.empty();
        }
        try {
            String sha = sha256(data);
            Path obj = objectPath(sha);
            Files.createDirectories(obj.getParent());
            Files.createDirectories(root.resolve("refs"));
            Path count = Path.of(obj + ".count");
            int n = Files.exists(count) ? Integer.parseInt(Files.readString(count).trim()) : 0;
            if (n == 0) {
                Files.write(obj, data);
            }
            Files.writeString(count, (n + 1) + "\n");
            Files.writeString(root.resolve("refs").resolve(imageId), "sha256=" + sha + "\nsize=" + data.length + "\n");
            return Optional.of("cas://" + storeId + "/" + imageId);
        } catch (IOException e) {
            throw new IllegalStateException("seeding " + imageId + " under " + root, e);
        }
    }

    /** The temporary file an add that crashed leaves: {@code tmp/<image id>.<random>.part}. */
    @Override
    public Optional<String> plantLeftover(String imageId) {
        try {
            Path part = Files.createDirectories(root.resolve("tmp")).resolve(imageId + "." + UUID.randomUUID() + ".part");
            Files.write(part, new byte[] {1, 2, 3});
            return Optional.of(part.toString());
        } catch (IOException e) {
            throw new IllegalStateException("planting a temporary file under " + root, e);
        }
    }

    @Override
    public Optional<String> missingLocation() {
        return seeds ? Optional.of("cas://" + storeId + "/" + UUID.randomUUID()) : Optional.empty();
    }

    @Override
    public void close() throws IOException {
        if (!Files.exists(base)) {
            return;
        }
        try (Stream<Path> s = Files.walk(base)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
