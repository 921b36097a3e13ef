package org.stowage.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What a report shows never carries a location's credentials; options name the bad value. */
class FindingTest {
    @Test
    void aFindingShowsTheLocationWithoutItsCredentials() {
        Finding f = Finding.of(Finding.Kind.MISSING, "web", "i", "https://glance:S3cret-pw@images.example/x.raw", 7, 1,
                "gone");
        assertThat(f.location()).isEqualTo("https://***@images.example/x.raw").doesNotContain("S3cret");
        assertThat(f.toString()).doesNotContain("S3cret");
    }

    @Test
    void onlyInconsistentKindsMakeAReportInconsistent() {
        assertThat(Finding.Kind.IN_PROGRESS.inconsistent()).isFalse();
        assertThat(Finding.Kind.ORPHAN.inconsistent()).isTrue();
        assertThat(Finding.Kind.SIZE_MISMATCH.key()).isEqualTo("size_mismatch");
    }

    @Test
    void badOptionsNameTheValueAndWhatIsExpected() {
        assertThatThrownBy(() -> AuditOptions.defaults().workers(0)).hasMessageContaining("workers 0")
                .hasMessageContaining("expected 1 to 64");
        assertThatThrownBy(() -> AuditOptions.defaults().olderThan(Duration.ofSeconds(-1)))
                .hasMessageContaining("PT-1S").hasMessageContaining("0 or more");
        assertThatThrownBy(() -> AuditOptions.defaults().batchSize(0)).hasMessageContaining("batch size 0");
        assertThatThrownBy(() -> AuditOptions.defaults().share(" ")).hasMessageContaining("share name ' '");
        assertThatThrownBy(() -> AuditOptions.defaults().lease(Duration.ofSeconds(1))).hasMessageContaining("PT1S");
    }
}
