package org.stowage.drivers.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.stowage.core.audit.AuditOptions;
import org.stowage.core.audit.AuditReport;
import org.stowage.core.audit.Finding;
import org.stowage.core.audit.Finding.Kind;

/**
 * The audit property test's invariants: an audit's findings against what the model says they
 * must be (both ways: a live image's data is never an orphan, a true orphan always is), and the
 * stores' directories against the model after every step (data byte-identical, nothing extra).
 */
final class AuditChecks {
    private static final Set<Kind> NEVER = Set.of(Kind.SIZE_MISMATCH, Kind.HASH_MISMATCH, Kind.UNCHECKED,
            Kind.NO_HASH);
    /** Findings about a row, told apart by image and location (several images may share a location). */
    private static final Set<Kind> PER_ROW = Set.of(Kind.MISSING, Kind.UNOWNED_LEGACY);

    private AuditChecks() {
    }

    /**
     * Checks a report against the model as it was when the audit ran; returns the locations it
     * removed. The data at {@code racing} locations was published and recorded while the audit
     * ran: whatever the audit saw of it (an add in progress, held, even missing for a moment), it
     * is never an orphan.
     */
    static Set<String> report(AuditReport r, AuditOptions o, AuditModel.Expected e, Set<String> racing) {
        assertThat(r.findings()).as("a live image's data published while the audit ran is never an orphan")
                .noneMatch(f -> f.kind() == Kind.ORPHAN && racing.contains(f.location()));
        Map<Kind, List<String>> found = r.findings().stream().filter(f -> !racing.contains(f.location()))
                .collect(Collectors.groupingBy(Finding::kind, TreeMap::new, Collectors.mapping(f -> PER_ROW.contains(
                        f.kind()) ? f.imageId() + " " + f.location() : String.valueOf(f.location()),
                        Collectors.toList())));
        for (Kind k : NEVER) {
            assertThat(r.findings()).as("no %s expected", k).noneMatch(f -> f.kind() == k);
        }
        assertThat(found.getOrDefault(Kind.ORPHAN, List.of())).as("ORPHAN findings (each data once): a live image's "
                + "data is never one, every true orphan older than the grace period is").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(e.orphans);
        assertThat(found.getOrDefault(Kind.HELD, List.of())).as("HELD findings").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(e.held);
        assertThat(found.getOrDefault(Kind.MISSING, List.of())).as("MISSING findings (image and location): settled "
                + "images whose data is gone, never one whose data is there").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(e.missing);
        assertThat(found.getOrDefault(Kind.UNOWNED_LEGACY, List.of())).as("UNOWNED_LEGACY findings (image and "
                + "location): rows naming a store that is not configured").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(e.unowned);
        Set<String> inProgress = new TreeSet<>(found.getOrDefault(Kind.IN_PROGRESS, List.of()));
        Set<String> allowed = new TreeSet<>(e.partials);
        allowed.addAll(e.young);
        assertThat(inProgress).as("IN_PROGRESS findings: only partial files and young unreferenced data")
                .isSubsetOf(allowed).containsAll(e.young).containsAll(e.unnamedPartials);
        Finding.Action expected = o.fix() != AuditOptions.Fix.ORPHANS ? Finding.Action.NONE
                : o.apply() ? Finding.Action.REMOVED : Finding.Action.WOULD_REMOVE;
        for (Finding f : r.findings()) {
            if (racing.contains(f.location())) {
                continue;
            }
            assertThat(f.action()).as("action on %s", f).isEqualTo(f.kind() == Kind.ORPHAN ? expected
                    : Finding.Action.NONE);
        }
        if (racing.isEmpty()) {
            assertThat(r.consistent()).as("consistent").isEqualTo(e.missing.isEmpty() && e.held.isEmpty()
                    && e.unowned.isEmpty()
                    && (e.orphans.isEmpty() || expected == Finding.Action.REMOVED));
        }
        return expected == Finding.Action.REMOVED ? new TreeSet<>(e.orphans) : Set.of();
    }

    /**
     * The directories hold exactly the model's complete images, byte for byte, and its partial
     * files (claim files of multi-directory adds are not images and are ignored).
     */
    static void disk(AuditModel m, Map<String, List<Path>> dirs) throws IOException {
        Map<String, byte[]> images = new TreeMap<>();
        Map<String, Integer> partials = new TreeMap<>();
        for (List<Path> ds : dirs.values()) {
            for (Path d : ds) {
                for (Path p : list(d)) {
                    String name = p.getFileName().toString();
                    if (!name.startsWith(".")) {
                        images.put("file://" + p, Files.readAllBytes(p));
                    } else if (name.contains(FileStoreDriver.PARTIAL_INFIX)) {
                        String id = name.substring(1, name.indexOf(FileStoreDriver.PARTIAL_INFIX));
                        partials.merge("file://" + p.resolveSibling(id), 1, Integer::sum);
                    } else {
                        assertThat(name).as("hidden file %s", p).endsWith(FileStoreDriver.CLAIM_SUFFIX);
                    }
                }
            }
        }
        assertThat(images.keySet()).as("image files in the stores").containsExactlyInAnyOrderElementsOf(m.data.keySet());
        List<String> changed = new ArrayList<>();
        m.data.forEach((loc, s) -> {
            if (!Arrays.equals(s.bytes(), images.get(loc))) {
                changed.add(loc);
            }
        });
        assertThat(changed).as("images whose bytes changed").isEmpty();
        assertThat(partials).as("partial files in the stores").isEqualTo(m.partials);
    }

    private static List<Path> list(Path d) throws IOException {
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted().toList();
        }
    }
}
