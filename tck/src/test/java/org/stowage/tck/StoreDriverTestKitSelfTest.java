package org.stowage.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Runs the kit against deliberately broken drivers and checks that it fails the right tests
 * with messages that say what is wrong. The broken kits are nested classes, which the build
 * does not run on their own.
 */
class StoreDriverTestKitSelfTest {

    /** Leaves its partial data behind when an add fails. */
    static class LeavesPartialData extends MemoryKit {
        @Override
        protected String defect() {
            return "leave-partial";
        }
    }

    /** Declares READ_RANDOM but ignores the offset. */
    static class IgnoresOffset extends MemoryKit {
        @Override
        protected String defect() {
            return "ignore-offset";
        }
    }

    /** Declares read-only but adds, deletes and serves ranges anyway. */
    static class IgnoresItsCapabilities extends MemoryKit {
        @Override
        protected int mask() {
            return 0x41;
        }

        @Override
        protected boolean fixtureSeeds() {
            return true;
        }

        @Override
        protected String defect() {
            return "ignore-capabilities";
        }
    }

    /** Shows its password in toString(). */
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
        Set<String> always = Set.of("declaredSizeLargerThanDataFails", "declaredSizeSmallerThanDataFails",
                "sourceFailingMidwayLeavesNothing");
        assertThat(f).containsKeys(always.toArray(new String[0]));
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
        assertThat(f).containsOnlyKeys("readsWithOffsetAndLength", "capabilitiesAreHonoured");
        assertThat(f.get("readsWithOffsetAndLength"))
                .startsWith("driver declares READ_OFFSET but get(offset=5) returned 3000 bytes starting ")
                .contains("expected bytes 5..3000 of the 3000-byte image memory://");
        assertThat(f.get("capabilitiesAreHonoured")).startsWith("driver declares READ_OFFSET but get(offset=5) returned");
    }

    @Test
    void undeclaredCapabilitiesThatWorkAnywayAreReported() {
        Map<String, String> f = failures(IgnoresItsCapabilities.class);
        assertThat(f).containsOnlyKeys("readsWithOffsetAndLength", "capabilitiesAreHonoured");
        assertThat(f.get("capabilitiesAreHonoured"))
                .isEqualTo("driver does not declare WRITE_ACCESS but add(...) returned normally; expected "
                        + "StoreAddDisabled");
        assertThat(f.get("readsWithOffsetAndLength"))
                .startsWith("driver does not declare READ_OFFSET but get(offset=5) of memory://")
                .endsWith("returned normally; expected StoreRandomGetNotSupported");
    }

    @Test
    void shownSecretIsReported() {
        Map<String, String> f = failures(ShowsItsSecret.class);
        assertThat(f).containsOnlyKeys("secretsAreNeverShown");
        assertThat(f.get("secretsAreNeverShown"))
                .isEqualTo("a secret value appears in output: \"MemoryStore[tck, password=<SECRET>]\"");
    }

    @Test
    void leakedStreamsAreReported() {
        Map<String, String> f = failures(LeaksStreams.class);
        assertThat(f).containsOnlyKeys("closeReleasesResources");
        assertThat(f.get("closeReleasesResources"))
                .isEqualTo("store holds 2 backend resources after every stream it returned was closed");
    }
}
