package org.stowage.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stowage.spi.Checksums;

/** What an add returns: glance_store's 5-tuple, a copy of the metadata, and a toString safe to log. */
class AddResultTest {
    private static final Checksums SUMS = new Checksums("5d41", "sha512", "9b71", 5);

    @Test
    void theTupleComesFromTheLocationAndTheChecksums() {
        AddResult r = new AddResult("file:///images/x", SUMS, Map.of("k", "v"));
        assertThat(r.location()).isEqualTo("file:///images/x");
        assertThat(r.size()).isEqualTo(5);
        assertThat(r.checksum()).isEqualTo("5d41");
        assertThat(r.hashAlgo()).isEqualTo("sha512");
        assertThat(r.multihash()).isEqualTo("9b71");
        assertThat(r.checksums()).isEqualTo(SUMS);
        assertThat(r.metadata()).containsExactly(Map.entry("k", "v"));
    }

    @Test
    void theMetadataIsACopyInItsOrderAndWithMetadataLeavesTheOriginal() {
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("b", "2");
        md.put("a", List.of("1"));
        AddResult r = new AddResult("file:///images/x", SUMS, md);
        md.put("c", "3");
        assertThat(r.metadata()).containsExactly(Map.entry("b", "2"), Map.entry("a", List.of("1")));
        assertThatThrownBy(() -> r.metadata().put("d", "4")).isInstanceOf(UnsupportedOperationException.class);
        AddResult withStore = r.withMetadata("store", "fast");
        assertThat(withStore.metadata()).containsEntry("store", "fast").hasSize(3);
        assertThat(r.metadata()).doesNotContainKey("store");
    }

    @Test
    void toStringMasksTheLocationsCredentials() {
        AddResult r = new AddResult("http://user:s3cret@images.example/x", SUMS, Map.of());
        assertThat(r.toString()).doesNotContain("s3cret").contains("http://***@images.example/x").contains("9b71");
    }

    @Test
    void nothingIsMissing() {
        assertThatThrownBy(() -> new AddResult(null, SUMS, Map.of())).isInstanceOf(NullPointerException.class)
                .hasMessage("location");
        assertThatThrownBy(() -> new AddResult("file:///x", null, Map.of())).isInstanceOf(NullPointerException.class)
                .hasMessage("checksums");
    }
}
