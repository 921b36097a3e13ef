package org.stowage.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.stowage.core.internal.HashAlgorithms;

/** The per-add checks written without a regex or a provider look-up answer as the originals did. */
class SmallAddChecksTest {
    @Test
    void theHandWrittenUuidCheckAgreesWithThePattern() {
        List<String> ids = new ArrayList<>(List.of("6f1e0c5a-3b2d-4c8e-9a7f-1d2e3f4a5b6c",
                "6F1E0C5A-3B2D-4C8E-9A7F-1D2E3F4A5B6C", "6f1e0c5a-3b2d-4c8e-9a7f-1d2e3f4a5b6", "6f1e0c5a-3b2d-4c8e-9a7f-1d2e3f4a5b6cc",
                "6f1e0c5a3b2d-4c8e-9a7f-1d2e3f4a5b6c-", "g f1e0c5a-3b2d-4c8e-9a7f-1d2e3f4a5b6", "", "../etc/passwd",
                "6f1e0c5a-3b2d-4c8e-9a7f-1d2e3f4a5b6\n", "6f1e0c5a-3b2d-4c8e-9a7f-1d2e3f4a5b6\u0661"));
        Random r = new Random(7);
        String alphabet = "0123456789abcdefABCDEFg-/";
        for (int i = 0; i < 20_000; i++) {
            char[] c = "6f1e0c5a-3b2d-4c8e-9a7f-1d2e3f4a5b6c".toCharArray();
            c[r.nextInt(c.length)] = alphabet.charAt(r.nextInt(alphabet.length()));
            ids.add(new String(c));
        }
        int valid = 0;
        for (String id : ids) {
            assertThat(ImageIds.isValid(id)).as(id).isEqualTo(ImageIds.matchesPattern(id));
            valid += ImageIds.isValid(id) ? 1 : 0;
        }
        assertThat(valid).as("both answers occur").isBetween(100, ids.size() - 100);
        assertThat(ImageIds.isValid(null)).isFalse();
    }

    @Test
    void aPlainIdIsShownAsItIsAndOthersAreStillEscapedAndCut() {
        String id = "6f1e0c5a-3b2d-4c8e-9a7f-1d2e3f4a5b6c";
        assertThat(ImageIds.shown(id)).isSameAs(id);
        assertThat(ImageIds.shown("a\nb\\c")).isEqualTo("a\\u000ab\\u005cc");
        assertThat(ImageIds.shown("x".repeat(41))).isEqualTo("x".repeat(40) + "... (41 characters)");
        assertThat(ImageIds.shown("x".repeat(40))).isEqualTo("x".repeat(40));
    }

    @Test
    void aUriWithoutCredentialsIsMaskedAsItIsAndOneWithThemStillMasked() {
        assertThat(Uris.mask("file:///images/x")).isEqualTo("file:///images/x");
        assertThat(Uris.mask("rbd://user:secret@pool/x")).isEqualTo("rbd://***@pool/x");
    }

    @Test
    void digestsAreFreshAndIndependentOnEveryCall() throws Exception {
        MessageDigest a = HashAlgorithms.digest("sha512");
        a.update(new byte[] {1, 2, 3});
        MessageDigest b = HashAlgorithms.digest("sha512");
        HexFormat hex = HexFormat.of();
        assertThat(hex.formatHex(b.digest())).isEqualTo(hex.formatHex(MessageDigest.getInstance("SHA-512").digest()));
        assertThat(hex.formatHex(a.digest()))
                .isEqualTo(hex.formatHex(MessageDigest.getInstance("SHA-512").digest(new byte[] {1, 2, 3})));
        assertThat(HashAlgorithms.digest("md5")).isNotSameAs(HashAlgorithms.digest("md5"));
        assertThat(HashAlgorithms.digest("sha3_256").getAlgorithm()).isEqualTo("SHA3-256");
    }
}
