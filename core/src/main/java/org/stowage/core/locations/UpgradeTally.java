package org.stowage.core.locations;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.stowage.spi.ErrorKind;

/**
 * The totals of a location upgrade: images read, locations upgraded and already current, and
 * every location left as it was, with its reason.
 */
public record UpgradeTally(long images, long upgraded, long current, List<UpgradeOutcome.Unresolved> unresolved) {
    public UpgradeTally {
        unresolved = List.copyOf(unresolved);
    }

    /** The totals of {@code outcomes}, one per image. */
    public static UpgradeTally of(List<UpgradeOutcome> outcomes) {
        long upgraded = 0;
        long current = 0;
        List<UpgradeOutcome.Unresolved> unresolved = new ArrayList<>();
        for (UpgradeOutcome o : outcomes) {
            unresolved.addAll(o.unresolved());
            upgraded += o.entries().stream().filter(e -> e.status() == UpgradeOutcome.Status.UPGRADED).count();
            current += o.entries().stream().filter(e -> e.status() == UpgradeOutcome.Status.CURRENT).count();
        }
        return new UpgradeTally(outcomes.size(), upgraded, current, unresolved);
    }

    /** The totals of a database upgrade. */
    public static UpgradeTally of(GlanceDatabase.Summary sum) {
        return new UpgradeTally(sum.images, sum.upgraded, sum.current, sum.unresolved);
    }

    /** The locations left as they were because a store could not be asked about them (unreachable, say). */
    public List<UpgradeOutcome.Unresolved> storeFailures() {
        return unresolved.stream().filter(u -> u.failure() != null).toList();
    }

    /** The kind of the first store error that left locations as they were, if any. */
    public Optional<ErrorKind> storeFailure() {
        return storeFailures().stream().map(UpgradeOutcome.Unresolved::failure).findFirst();
    }
}
