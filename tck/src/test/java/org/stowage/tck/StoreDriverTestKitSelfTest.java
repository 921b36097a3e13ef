package org.stowage.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Runs the kit against deliberately broken drivers, and against correct drivers whose tests
 * declare their behaviours wrongly, and checks that it fails the right tests with messages that
 * say what is wrong. The broken kits are nested classes, which the build does not run on their own.
 */
class StoreDriverTestKitSelfTest {

    /** Leaves its partial data behind when an add fails. */
    static class LeavesPartialData extends MemoryKit {
        @Override
        protected String defect() {
            return "leave-partial";
        }
    }

    /** Declares READ_RANGES but ignores the offset. */
    static class IgnoresOffset extends MemoryKit {
        @Override
        protected String defect() {
            return "ignore-offset";
        }
    }

    /** A read-only driver whose test declares that it writes, deletes and reads ranges. */
    static class ClaimsWhatItCannotDo extends MemoryKit {
        @Override
        protected int mask() {
            return 0x41;
        }

        @Override
        protected boolean fixtureSeeds() {
            return true;
        }

        @Override
        protected Set<StoreBehavior> behaviors() {
            return EnumSet.of(StoreBehavior.WRITE, StoreBehavior.DELETE, StoreBehavior.READ_RANGES);
        }
    }

    /** A read-write driver whose test declares nothing. */
    static class HidesWhatItCanDo extends MemoryKit {
        @Override
        protected boolean fixtureSeeds() {
            return true;
        }

        @Override
        protected Set<StoreBehavior> behaviors() {
            return Set.of();
        }
    }

    /** A write-disabled driver whose test declares that it writes and deletes. */
    static class WriteDisabledButDeclaresWrite extends MemoryKit {
        @Override
        protected boolean writeDisabled() {
            return true;
        }

        @Override
        protected boolean fixtureSeeds() {
            return true;
        }
    }

    /** Fails a read past the end, which the host passes on to it. */
    static class FailsPastTheEnd extends MemoryKit {
        @Override
        protected String defect() {
            return "past-end-fails";
        }
    }


    /** Stores a second image under an existing id but declares REJECTS_DUPLICATE_IDS. */
    static class AcceptsDuplicates extends MemoryKit {
        @Override
        protected String defect() {
            return "accept-duplicates";
        }
    }

    /** Declares LEFTOVER_GC but never reports a leftover. */
    static class FindsNoLeftovers extends MemoryKit {
        @Override
        protected String defect() {
            return "no-gc";
        }
    }

    /** Shows its password in an error message. */
    static class ShowsItsSecret extends MemoryKit {
        @Override
        protected String defect() {
            return "show-secret";
        }
    }

    /** Never releases its streams. */
    static class LeaksStreams extends MemoryKit {
        @Override
        protected String defect() {
            return "leak-streams";
        }
    }

    private static Map<String, String> failures(Class<?> kit) {
        EngineExecutionResults r = EngineTestKit.engine("junit-jupiter").selectors(selectClass(kit)).execute();
        Map<String, String> out = new LinkedHashMap<>();
        for (Event e : r.testEvents().failed().list()) {
            Throwable t = e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
                    .orElseThrow();
            out.put(e.getTestDescriptor().getDisplayName().replace("()", ""), String.valueOf(t.getMessage()));
        }
        assertThat(r.testEvents().succeeded().count()).as("tests of %s that still pass", kit.getSimpleName())
                .isPositive();
        return out;
    }

    @Test
    void partialDataLeftBehindIsReported() {
        Map<String, String> f = failures(LeavesPartialData.class);
        assertThat(f).containsKeys("declaredSizeLargerThanDataFails", "declaredSizeSmallerThanDataFails",
                "sourceFailingMidwayLeavesNothing");
        assertThat(f.keySet()).isSubsetOf("declaredSizeLargerThanDataFails", "declaredSizeSmallerThanDataFails",
                "sourceFailingMidwayLeavesNothing", "concurrentAddsOfOneIdHaveOneWinner");
        assertThat(f.values()).allSatisfy(m -> assertThat(m)
                .startsWith("driver left partial data behind after ")
                .contains("failed add").contains("partial-"));
        assertThat(f.get("declaredSizeLargerThanDataFails"))
                .contains("a failed add (10 bytes declared as 11)");
        assertThat(f.get("sourceFailingMidwayLeavesNothing")).contains("source failed at byte");
    }

    @Test
    void ignoredOffsetIsReported() {
        Map<String, String> f = failures(IgnoresOffset.class);
        // reads at and past the end reach the driver too: the host does not answer them from the size
        assertThat(f).containsOnlyKeys("readsWithOffsetAndLength", "readAtTheEndIsEmpty", "readPastTheEndIsEmpty");
        assertThat(f.get("readsWithOffsetAndLength"))
                .startsWith("the store declares READ_RANGES but get(offset=5) returned 3000 bytes starting ")
                .contains("expected bytes 5..3000 of the 3000-byte image memory://");
        assertThat(f.get("readAtTheEndIsEmpty"))
                .startsWith("the store declares READ_RANGES but get(offset=3000) returned 3000 bytes starting ")
                .contains("expected bytes 3000..3000 of the 3000-byte image memory://");
    }

    @Test
    void behavioursDeclaredButMissingAreReported() {
        Map<String, String> f = failures(ClaimsWhatItCannotDo.class);
        assertThat(f).containsKeys("addWorksOnlyWhenDeclared", "deleteWorksOnlyWhenDeclared",
                "readsWithOffsetAndLength");
        assertThat(f.get("addWorksOnlyWhenDeclared")).contains("is read-only");
        assertThat(f.get("deleteWorksOnlyWhenDeclared")).contains("is read-only");
        assertThat(f.get("readsWithOffsetAndLength")).contains("cannot read with an offset or length");
    }

    @Test
    void behavioursThatWorkButAreNotDeclaredAreReported() {
        Map<String, String> f = failures(HidesWhatItCanDo.class);
        assertThat(f).containsOnlyKeys("addWorksOnlyWhenDeclared", "deleteWorksOnlyWhenDeclared",
                "readsWithOffsetAndLength", "leftoversAreCollectedOnlyWhenDeclared");
        assertThat(f.get("addWorksOnlyWhenDeclared"))
                .isEqualTo("the store does not declare WRITE but add(...) returned normally; expected StoreAddDisabled");
        assertThat(f.get("deleteWorksOnlyWhenDeclared")).startsWith("the store does not declare DELETE but delete(")
                .endsWith("returned normally; expected StoreDeleteNotSupported");
        assertThat(f.get("readsWithOffsetAndLength"))
                .startsWith("the store does not declare READ_RANGES but get(offset=5) of memory://")
                .endsWith("returned normally; expected StoreRandomGetNotSupported");
        assertThat(f.get("leftoversAreCollectedOnlyWhenDeclared"))
                .startsWith("[leftovers reported by a store that does not declare LEFTOVER_GC]");
    }

    @Test
    void writeDisabledStoreDeclaringWriteIsReported() {
        Map<String, String> f = failures(WriteDisabledButDeclaresWrite.class);
        assertThat(f).containsKeys("addWorksOnlyWhenDeclared", "deleteWorksOnlyWhenDeclared");
        assertThat(f.get("addWorksOnlyWhenDeclared")).contains("write-disabled reason of a store declaring WRITE")
                .contains("memory_write_disabled is set");
        assertThat(f.get("deleteWorksOnlyWhenDeclared")).contains("cannot delete images: memory_write_disabled is set");
    }

    @Test
    void aDriverFailingReadsPastTheEndIsReported() {
        Map<String, String> f = failures(FailsPastTheEnd.class);
        assertThat(f).containsOnlyKeys("readPastTheEndIsEmpty", "readsOfAnEmptyImageAreEmpty");
        assertThat(f.get("readPastTheEndIsEmpty"))
                .startsWith("the store declares READ_RANGES but get(offset=3001) of the 3000-byte image memory://")
                .contains("failed (BadStoreUri: offset 3001 is past the end of ")
                .endsWith("); expected an empty stream");
    }

    @Test
    void acceptedDuplicatesAreReported() {
        Map<String, String> f = failures(AcceptsDuplicates.class);
        assertThat(f).containsOnlyKeys("duplicateIdsAreRejectedOnlyWhenDeclared", "concurrentAddsOfOneIdHaveOneWinner");
        assertThat(f.get("duplicateIdsAreRejectedOnlyWhenDeclared")).startsWith("second add of image ")
                .endsWith("returned normally; expected Duplicate");
        assertThat(f.get("concurrentAddsOfOneIdHaveOneWinner")).contains("concurrent adds of image")
                .contains("winners; expected exactly one");
    }

    @Test
    void missingGcIsReported() {
        Map<String, String> f = failures(FindsNoLeftovers.class);
        assertThat(f).containsOnlyKeys("leftoversAreCollectedOnlyWhenDeclared");
        assertThat(f.get("leftoversAreCollectedOnlyWhenDeclared"))
                .startsWith("the store declares LEFTOVER_GC but its inventory's leftovers do not include what a crashed add left "
                        + "at partial-");
    }

    @Test
    void shownSecretIsReported() {
        Map<String, String> f = failures(ShowsItsSecret.class);
        assertThat(f).containsOnlyKeys("secretsAreNeverShown");
        assertThat(f.get("secretsAreNeverShown")).startsWith("a secret value appears in output: \"")
                .contains("not found (backend password <SECRET>)");
    }

    @Test
    void leakedStreamsAreReported() {
        Map<String, String> f = failures(LeaksStreams.class);
        assertThat(f).containsOnlyKeys("closeReleasesResources");
        assertThat(f.get("closeReleasesResources"))
                .isEqualTo("store holds 2 backend resources after every stream it returned was closed");
    }
}
