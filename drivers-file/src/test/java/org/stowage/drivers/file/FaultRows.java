package org.stowage.drivers.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.stowage.spi.Leftover;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreException;
import org.stowage.testing.ReliabilityRecorder;

/**
 * Fault-matrix rows of the file driver: leftovers are computed by listing the data directories
 * (every entry that was not there before the fault: temporary files, partial files, a half-written
 * image under its final name), once right after the failure and once after the store's own garbage
 * collection ({@code stowage gc}: the inventory's leftovers(0), then remove each).
 */
final class FaultRows {
    private final List<Path> dirs;
    private final Set<String> before;

    private FaultRows(List<Path> dirs) {
        this.dirs = dirs;
        this.before = list(dirs);
    }

    /** Snapshots the directories before the fault is injected. */
    static FaultRows before(Path... dirs) {
        return new FaultRows(List.of(dirs));
    }

    /** Entries of the directories now that were not there before (a missing directory has none). */
    List<String> leftovers() {
        List<String> out = new ArrayList<>();
        for (String p : list(dirs)) {
            if (!before.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Checks what is left, runs the store's gc, checks again, and records the row. Returns the
     * leftovers after the test so that the caller can assert them too.
     */
    List<String> record(String fault, String injectedAt, Throwable error, StoreDriver store) {
        List<String> after = leftovers();
        List<String> afterGc;
        if (store != null) {
            for (Leftover l : store.inventory().orElseThrow().leftovers(Duration.ZERO)) {
                store.inventory().orElseThrow().remove(l);
            }
            afterGc = leftovers();
        } else {
            afterGc = after;
        }
        ReliabilityRecorder.fault("file", fault, injectedAt, describe(error), after, afterGc);
        return after;
    }

    static String describe(Throwable e) {
        if (e == null) {
            return "none";
        }
        String kind = e instanceof StoreException ? ((StoreException) e).kind().glanceName() : e.getClass().getSimpleName();
        String m = String.valueOf(e.getMessage());
        return kind + ": " + (m.length() > 220 ? m.substring(0, 220) + "..." : m);
    }

    private static Set<String> list(List<Path> dirs) {
        Set<String> out = new TreeSet<>();
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> s = Files.list(d)) {
                s.forEach(p -> out.add(p.toString()));
            } catch (IOException e) {
                throw new IllegalStateException("cannot list " + d, e);
            }
        }
        return out;
    }
}
