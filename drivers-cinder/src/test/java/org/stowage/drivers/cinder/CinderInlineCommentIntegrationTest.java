package org.stowage.drivers.cinder;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.stowage.core.Stowage;
import org.stowage.core.config.ConfigFiles;

/**
 * {@code cinder_volume_type = glance-fast # the fast pool} names a volume type that does not exist,
 * since oslo.config keeps the comment in the value: the real local Cinder is asked, and the reason
 * the store refuses writes says why. No volume is created.
 */
class CinderInlineCommentIntegrationTest {
    @BeforeAll
    static void cinderIsUp() {
        LocalCinder.require();
    }

    @Test
    void aVolumeTypeWithAnInlineCommentIsNotFoundAndTheReasonSaysWhy() {
        StringBuilder conf = new StringBuilder("[glance_store]\nstores = cinder\ndefault_store = cinder\n");
        for (Map.Entry<String, String> e : LocalCinder.storeSettings(LocalCinder.FAST + " # the fast pool").entrySet()) {
            conf.append(e.getKey()).append(" = ").append(e.getValue()).append('\n');
        }
        // the cinder factory is found on the test classpath through its extensions index
        try (Stowage s = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", conf.toString()))
                .pluginsDir(null).build()) {
            // the type is checked on the first add, delete or health check, not when the store is created
            assertThat(s.store("cinder").writeDisabledReason()).isEmpty();
            assertThat(s.store("cinder").health(java.time.Duration.ofSeconds(20)).line())
                    .startsWith("degraded: volume type 'glance-fast # the fast pool' does not exist");
            assertThat(s.store("cinder").writeDisabledReason()).hasValueSatisfying(r -> assertThat(r)
                    .contains("volume type 'glance-fast # the fast pool'").contains("does not exist")
                    .endsWith("(note: oslo.config has no inline comments, so the text after '#' is part of the value, "
                            + "as Glance reads it too: put the comment on a line of its own)"));
        }
    }
}
