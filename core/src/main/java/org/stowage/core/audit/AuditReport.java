package org.stowage.core.audit;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an audit found: every finding in the order found, and per store (in configuration order,
 * then "-" for locations no store owns) how many of each kind and their bytes.
 *
 * @param findings      every finding
 * @param stores        per store: counts and bytes by kind
 * @param images        images read from the database
 * @param locations     location rows compared with a store
 * @param storedImages  images the audited stores listed
 * @param hashedBytes   bytes read to re-hash ({@code deep}) or back-fill
 * @param dbRoundTrips  statements sent to the database
 * @param remoteCalls   remote calls the stores' drivers counted during the audit
 * @param durationMillis wall time
 */
public record AuditReport(List<Finding> findings, Map<String, StoreTally> stores, long images, long locations,
        long storedImages, long hashedBytes, long dbRoundTrips, long remoteCalls, long durationMillis) {
    /** Counts and bytes of one store's findings by kind. */
    public record StoreTally(Map<Finding.Kind, Long> counts, Map<Finding.Kind, Long> bytes) {
        /** Copies the maps. */
        public StoreTally {
            counts = Map.copyOf(counts);
            bytes = Map.copyOf(bytes);
        }

        /** The count of {@code kind} (0 when none). */
        public long count(Finding.Kind kind) {
            return counts.getOrDefault(kind, 0L);
        }

        /** The bytes of {@code kind} (0 when none or unknown). */
        public long bytes(Finding.Kind kind) {
            return bytes.getOrDefault(kind, 0L);
        }
    }

    /** Copies the lists. */
    public AuditReport {
        findings = List.copyOf(findings);
        stores = Collections.unmodifiableMap(new LinkedHashMap<>(stores));
    }

    /** True when no finding is an inconsistency (adds in progress are not) and no fix failed. */
    public boolean consistent() {
        return findings.stream().noneMatch(f -> f.kind().inconsistent() && !fixed(f));
    }

    private static boolean fixed(Finding f) {
        return f.action() == Finding.Action.REMOVED || f.action() == Finding.Action.BACKFILLED;
    }

    /** Findings of {@code kind} across stores. */
    public long count(Finding.Kind kind) {
        return findings.stream().filter(f -> f.kind() == kind).count();
    }

    /** Findings whose fix failed. */
    public long failed() {
        return findings.stream().filter(f -> f.action() == Finding.Action.FAILED).count();
    }

    /** Totals over every store: counts by kind. */
    public Map<Finding.Kind, Long> totals() {
        Map<Finding.Kind, Long> out = new EnumMap<>(Finding.Kind.class);
        for (Finding.Kind k : Finding.Kind.values()) {
            out.put(k, count(k));
        }
        return out;
    }
}
