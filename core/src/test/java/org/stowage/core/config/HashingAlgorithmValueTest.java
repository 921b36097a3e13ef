package org.stowage.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code [DEFAULT] hashing_algorithm}: Glance takes any name and fails only at upload; the
 * configuration still loads, and {@link StowageConfig#invalidValues()} names a value no add could
 * use, with its file and line and the names the core hashes with.
 */
class HashingAlgorithmValueTest {
    static StowageConfig ini(String algo) {
        return StowageConfigTest.ini("[DEFAULT]\nenabled_backends = fast:file\nhashing_algorithm = " + algo + "\n"
                + "[glance_store]\ndefault_backend = fast\n");
    }

    @Test
    void anUnknownAlgorithmIsNamedWithItsOriginAndTheAcceptedNames() {
        for (String bad : List.of("md4", "sha3", "blake2b", "sha256 # the default is too slow")) {
            assertThat(ini(bad).invalidValues()).as(bad).singleElement().asString()
                    .startsWith("glance-api.conf:3")
                    .contains("option hashing_algorithm = '" + bad + "' is not a hashing algorithm Stowage supports")
                    .contains("expected one of sha512, sha256, sha384, sha224, sha1, md5, sha512_224, sha512_256, "
                            + "sha3_224, sha3_256, sha3_384, sha3_512");
        }
        assertThat(ini("sha256 # the default is too slow").invalidValues().get(0)).contains("inline comment");
    }

    @Test
    void everyAlgorithmTheCoreHashesWithIsValid() {
        for (String good : List.of("sha512", "sha3_256", "SHA-256", "md5", "sha512_224")) {
            assertThat(ini(good).invalidValues()).as(good).isEmpty();
        }
        assertThat(StowageConfigTest.ini("[DEFAULT]\nenabled_backends = fast:file\n[glance_store]\n"
                + "default_backend = fast\n").invalidValues()).as("unset: sha512").isEmpty();
    }
}
