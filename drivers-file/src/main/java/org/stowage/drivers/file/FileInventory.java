package org.stowage.drivers.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.stowage.drivers.file.FileStoreConfig.Datadir;
import org.stowage.drivers.file.internal.ClaimFile;
import org.stowage.drivers.toolkit.IoErrors;
import org.stowage.spi.ImageInventory;
import org.stowage.spi.InventoryEntry;
import org.stowage.spi.InventoryPage;
import org.stowage.spi.Leftover;
import org.stowage.spi.StoreException;

/**
 * What the data directories hold: images (files named by their id), adds in progress or
 * interrupted ({@code .<id>.stowage-partial-<hex>}), and the claim files of multi-directory adds
 * ({@code .<id>.stowage-claim}). Completed images never count as leftovers: their names are the
 * bare image id, and an id cannot start with a dot.
 */
final class FileInventory implements ImageInventory {
    private static final Pattern PARTIAL_NAME = Pattern.compile("^\\.(.+)\\.stowage-partial-[0-9a-f]{16}$");
    /** A partial file's name ends in hex digits, never in this suffix. */
    private static final Pattern CLAIM_NAME = Pattern.compile("^\\.(.+)\\.stowage-claim$");

    private final FileStoreConfig config;
    private final String storeId;

    FileInventory(FileStoreConfig config) {
        this.config = config;
        this.storeId = config.storeId();
    }

    /**
     * The images and adds in progress, ordered by their file's path, which is also the cursor.
     * Each page lists the directories again: simple, and a file store's directory holds few
     * enough entries for that.
     */
    @Override
    public InventoryPage list(String cursor, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("store '" + storeId + "': inventory page limit " + limit
                    + " is not at least 1");
        }
        List<Path> files = new ArrayList<>();
        for (Datadir d : config.datadirs()) {
            files.addAll(list(d.path()));
        }
        files.sort(Comparator.comparing(Path::toString));
        List<InventoryEntry> page = new ArrayList<>();
        String last = null;
        for (Path p : files) {
            if (page.size() == limit) {
                return new InventoryPage(page, Optional.of(last));
            }
            if (cursor == null || p.toString().compareTo(cursor) > 0) {
                entry(p).ifPresent(page::add);
                last = p.toString();
            }
        }
        return new InventoryPage(page, Optional.empty());
    }

    /** An image file or a partial one as an entry; empty for anything else, or a file gone meanwhile. */
    private Optional<InventoryEntry> entry(Path p) {
        String name = p.getFileName().toString();
        Matcher partial = PARTIAL_NAME.matcher(name);
        boolean complete = !name.startsWith(".");
        if (!complete && !partial.matches()) {
            return Optional.empty();
        }
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw StoreException.backend("store '" + storeId + "': cannot read " + p + ": " + IoErrors.describe(e), e);
        }
        if (!a.isRegularFile()) {
            return Optional.empty();
        }
        String id = complete ? name : partial.group(1);
        return Optional.of(new InventoryEntry(id, "file://" + p.resolveSibling(id), complete ? a.size() : -1,
                a.creationTime().toInstant(), complete));
    }

    private List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        } catch (IOException e) {
            throw StoreException.backend("store '" + storeId + "': cannot list " + dir + ": " + IoErrors.describe(e), e);
        }
    }

    /**
     * Temporary files and claim files that no running add holds, in any data directory, last
     * modified at least {@code olderThan} ago.
     */
    @Override
    public List<Leftover> leftovers(Duration olderThan) {
        Instant cutoff = Instant.now().minus(olderThan);
        List<Leftover> out = new ArrayList<>();
        for (Datadir d : config.datadirs()) {
            for (Path p : list(d.path())) {
                try {
                    leftover(p, cutoff).ifPresent(out::add);
                } catch (IOException e) {
                    throw StoreException.backend("store '" + storeId + "': cannot list " + d.path() + ": "
                            + IoErrors.describe(e), e);
                }
            }
        }
        return out;
    }

    /** {@code p} as a leftover if it is a partial file or an unheld claim file, old enough. */
    private Optional<Leftover> leftover(Path p, Instant cutoff) throws IOException {
        String name = p.getFileName().toString();
        boolean partial = PARTIAL_NAME.matcher(name).matches();
        Matcher claim = CLAIM_NAME.matcher(name);
        if (!partial && !claim.matches()) {
            return Optional.empty();
        }
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty(); // its add finished meanwhile
        }
        Instant since = a.lastModifiedTime().toInstant();
        if (!a.isRegularFile() || since.isAfter(cutoff)) {
            return Optional.empty();
        }
        if (partial) {
            return Optional.of(new Leftover(p.toString(), "partial file of an interrupted add: " + p
                    + " (" + a.size() + " bytes)", since));
        }
        if (ClaimFile.isHeld(p.getParent(), p.getFileName())) {
            return Optional.empty(); // a running add's
        }
        return Optional.of(new Leftover(p.toString(), "claim file of an interrupted add of image "
                + claim.group(1) + ": " + p, since));
    }

    /**
     * Removes a partial file, or a claim file that no running add holds (a held one is refused:
     * removing it would let a second add of that id run at the same time).
     */
    @Override
    public void remove(Leftover leftover) {
        Path p = Path.of(leftover.id());
        boolean inside = config.datadirs().stream().anyMatch(d -> d.path().equals(p.getParent()));
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        if (inside && PARTIAL_NAME.matcher(name).matches()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                throw StoreException.backend("store '" + storeId + "': cannot remove " + p + ": "
                        + IoErrors.describe(e), e);
            }
        } else if (inside && CLAIM_NAME.matcher(name).matches()) {
            removeClaim(p);
        } else {
            throw StoreException.badStoreUri("store '" + storeId + "': " + p
                    + " is not a partial file or a claim file of this store");
        }
    }

    private void removeClaim(Path p) {
        try {
            Optional<ClaimFile> c = ClaimFile.tryTake(p.getParent(), p.getFileName(), "gc by process "
                    + ProcessHandle.current().pid(), false);
            if (c.isPresent()) {
                c.get().close();
            } else if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw StoreException.backend("store '" + storeId + "': the claim file " + p + " is held by a running "
                        + "add; it was not removed");
            }
        } catch (IOException e) {
            throw StoreException.backend("store '" + storeId + "': cannot remove the claim file " + p + ": "
                    + IoErrors.describe(e), e);
        }
    }
}
