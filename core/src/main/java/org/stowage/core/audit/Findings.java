package org.stowage.core.audit;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The findings of a running audit, from any of its threads: kept in order, tallied per store, passed on. */
final class Findings {
    /** The tally key of findings without a store. */
    static final String NO_STORE = "-";

    private final List<Finding> all = new ArrayList<>();
    private final Map<String, Map<Finding.Kind, long[]>> tallies = new LinkedHashMap<>();
    private final Consumer<Finding> observer;

    Findings(List<String> storeIds, Consumer<Finding> observer) {
        this.observer = observer;
        storeIds.forEach(id -> tallies.put(id, new EnumMap<>(Finding.Kind.class)));
    }

    void add(Finding f) {
        synchronized (this) {
            all.add(f);
            long[] t = tallies.computeIfAbsent(f.store() == null ? NO_STORE : f.store(),
                    k -> new EnumMap<>(Finding.Kind.class)).computeIfAbsent(f.kind(), k -> new long[2]);
            t[0]++;
            t[1] += Math.max(0, f.bytes());
        }
        observer.accept(f);
    }

    synchronized List<Finding> list() {
        return List.copyOf(all);
    }

    synchronized Map<String, AuditReport.StoreTally> tallies() {
        Map<String, AuditReport.StoreTally> out = new LinkedHashMap<>();
        tallies.forEach((store, byKind) -> {
            Map<Finding.Kind, Long> counts = new EnumMap<>(Finding.Kind.class);
            Map<Finding.Kind, Long> bytes = new EnumMap<>(Finding.Kind.class);
            byKind.forEach((k, t) -> {
                counts.put(k, t[0]);
                bytes.put(k, t[1]);
            });
            out.put(store, new AuditReport.StoreTally(counts, bytes));
        });
        return out;
    }
}
