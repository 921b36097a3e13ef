package org.stowage.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.stowage.core.StoreHandle;
import org.stowage.spi.Leftover;

/** What interrupted adds leave: found and removed by gc with {@link StoreBehavior#LEFTOVER_GC}, never reported without. */
public abstract class LeftoverTests extends KitTests {
    LeftoverTests(StoreDriverTestKit kit) {
        super(kit);
    }

    /**
     * With LEFTOVER_GC the store finds what a crashed add left (planted by the fixture) and removes
     * it, leaving the backend clean; without, it reports no leftovers.
     */
    @Test
    public void leftoversAreCollectedOnlyWhenDeclared() {
        StoreHandle store = host().store();
        if (!has(StoreBehavior.LEFTOVER_GC)) {
            fixture().plantLeftover(newImageId());
            assertThat(store.findLeftovers(Duration.ZERO)).as("leftovers reported by a store that does not declare "
                    + "LEFTOVER_GC").isEmpty();
            return;
        }
        Optional<String> planted = fixture().plantLeftover(newImageId());
        Assumptions.assumeTrue(planted.isPresent(), "the fixture cannot plant a leftover");
        List<Leftover> found = store.findLeftovers(Duration.ZERO).stream()
                .filter(l -> l.id().contains(planted.get()) || l.description().contains(planted.get())).toList();
        if (found.isEmpty()) {
            fail("the store declares LEFTOVER_GC but its inventory's leftovers do not include what a crashed add left at "
                    + planted.get() + "; it reports " + store.findLeftovers(Duration.ZERO));
        }
        found.forEach(store::removeLeftover);
        assertNoLeftovers("gc removed " + found);
        assertThat(store.findLeftovers(Duration.ZERO)).as("leftovers after gc").doesNotContainAnyElementsOf(found);
    }
}
