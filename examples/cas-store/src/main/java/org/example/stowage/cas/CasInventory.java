package org.example.stowage.cas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.stowage.drivers.toolkit.IoErrors;
import org.stowage.spi.ImageInventory;
import org.stowage.spi.InventoryEntry;
import org.stowage.spi.InventoryPage;
import org.stowage.spi.Leftover;
import org.stowage.spi.StoreException;

/**
 * What a cas root holds: the images (one reference file each in {@code refs/}), the adds in
 * progress or interrupted ({@code tmp/<image id>.<random>.part}), and the small files being
 * replaced ({@code tmp/<name>.<random>.new}). Files in {@code tmp/} that were not written to for
 * the given age are leftovers. A store that does not write reports none: it may share its root
 * with a store that is writing right now, and it removes nothing.
 */
final class CasInventory implements ImageInventory {
    /** Suffix of an add's temporary file. */
    static final String PART_SUFFIX = ".part";
    /** Suffix of a small file written before it is renamed into place. */
    static final String NEW_SUFFIX = ".new";
    private static final Pattern TEMP_NAME = Pattern.compile(
            "^(.+)\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\\.part|\\.new)$");

    private final CasRoot root;
    private final CasStatus status;
    private final Clock clock;

    CasInventory(CasRoot root, CasStatus status, Clock clock) {
        this.root = root;
        this.status = status;
        this.clock = clock;
    }

    /**
     * The images and adds in progress, ordered by their file's path under the root
     * ({@code refs/<id>}, then {@code tmp/<id>.<random>.part}), which is also the cursor.
     */
    @Override
    public InventoryPage list(String cursor, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("store '" + root.storeId() + "': inventory page limit " + limit
                    + " is not at least 1");
        }
        List<Path> files = new ArrayList<>(files(root.refs()));
        files.addAll(files(root.tmp()));
        List<InventoryEntry> page = new ArrayList<>();
        String last = null;
        for (Path p : files) {
            String key = root.path().relativize(p).toString();
            if (cursor != null && key.compareTo(cursor) <= 0) {
                continue;
            }
            if (page.size() == limit) {
                return new InventoryPage(page, Optional.of(last));
            }
            entry(p).ifPresent(page::add);
            last = key;
        }
        return new InventoryPage(page, Optional.empty());
    }

    /** A reference file or an add's temporary file as an entry; empty for anything else, or a file gone meanwhile. */
    private Optional<InventoryEntry> entry(Path p) {
        String name = p.getFileName().toString();
        boolean complete = p.getParent().equals(root.refs());
        Matcher temp = TEMP_NAME.matcher(name);
        if (complete ? !CasLocations.IMAGE_ID.matcher(name).matches() : !temp.matches() || !temp.group(2).equals(PART_SUFFIX)) {
            return Optional.empty();
        }
        Optional<BasicFileAttributes> a = attributes(p);
        if (a.isEmpty()) {
            return Optional.empty();
        }
        String id = complete ? name : temp.group(1);
        CasLocation location = new CasLocation(root.storeId(), id);
        long size = complete ? sizeOrGone(location) : -1;
        if (complete && size < 0) {
            return Optional.empty();
        }
        return Optional.of(new InventoryEntry(id, location.uri(), size, a.get().creationTime().toInstant(), complete));
    }

    private long sizeOrGone(CasLocation location) {
        try {
            return root.readRef(location).size();
        } catch (StoreException e) {
            if (!Files.exists(root.refPath(location.imageId()))) {
                return -1; // deleted meanwhile
            }
            throw e;
        }
    }

    @Override
    public List<Leftover> leftovers(Duration olderThan) {
        if (!status.writable()) {
            return List.of();
        }
        Instant cutoff = clock.instant().minus(olderThan);
        List<Leftover> out = new ArrayList<>();
        for (Path p : files(root.tmp())) {
            leftover(p, cutoff).ifPresent(out::add);
        }
        return out;
    }

    private Optional<Leftover> leftover(Path p, Instant cutoff) {
        Matcher temp = TEMP_NAME.matcher(p.getFileName().toString());
        Optional<BasicFileAttributes> a = temp.matches() ? attributes(p) : Optional.empty();
        if (a.isEmpty() || !a.get().isRegularFile()) {
            return Optional.empty();
        }
        Instant since = a.get().lastModifiedTime().toInstant();
        if (since.isAfter(cutoff)) {
            return Optional.empty();
        }
        String what = temp.group(2).equals(PART_SUFFIX) ? "temporary file of an interrupted add of image " + temp.group(1)
                : "temporary copy of " + temp.group(1) + " left by an interrupted update";
        return Optional.of(new Leftover(p.toString(), what + ": " + p + " (" + a.get().size() + " bytes)", since));
    }

    /** Removes a temporary file of this store that nobody wrote to since it was listed. */
    @Override
    public void remove(Leftover leftover) {
        Path p = Path.of(leftover.id());
        if (!root.tmp().equals(p.getParent()) || !TEMP_NAME.matcher(p.getFileName().toString()).matches()) {
            throw StoreException.badStoreUri("store '" + root.storeId() + "': " + p
                    + " is not a temporary file of this store (expected a file in " + root.tmp() + ")");
        }
        if (!status.writable()) {
            throw StoreException.storeDeleteNotSupported("store '" + root.storeId() + "' does not write, so it "
                    + "leaves " + p + " to the stores that do");
        }
        Optional<BasicFileAttributes> a = attributes(p);
        if (a.isPresent() && a.get().lastModifiedTime().toInstant().isAfter(leftover.since())) {
            throw StoreException.backend("store '" + root.storeId() + "': " + p + " was written to after it was "
                    + "listed (an add is still running); it was not removed");
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw StoreException.backend("store '" + root.storeId() + "': cannot remove " + p + ": "
                    + IoErrors.describe(e), e);
        }
    }

    private Optional<BasicFileAttributes> attributes(Path p) {
        try {
            return Optional.of(Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw StoreException.backend("store '" + root.storeId() + "': cannot read " + p + ": "
                    + IoErrors.describe(e), e);
        }
    }

    /** The files of {@code dir}, sorted by name; none if it does not exist (nothing was added yet). */
    private List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw StoreException.backend("store '" + root.storeId() + "': cannot list " + dir + ": "
                    + IoErrors.describe(e), e);
        }
    }
}
