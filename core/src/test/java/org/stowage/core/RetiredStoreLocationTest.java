package org.stowage.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stowage.core.locations.ImageLocation;
import org.stowage.core.locations.ImageRecord;
import org.stowage.core.locations.UpgradeOutcome;
import org.stowage.spi.ImageStream;

/**
 * A location naming a store that is no longer configured ({@code mem://retired/<id>}, as
 * {@code cinder://<retired store>/<volume>}) that a configured store claims through its legacy
 * facet is readable, and the upgrade places it in the same store: reads and the upgrade route
 * the same way.
 */
class RetiredStoreLocationTest {
    private static final String INI = "[DEFAULT]\nenabled_backends = a:mem, b:mem\n[glance_store]\ndefault_backend = a\n"
            + "[os_glance_staging_store]\nschemes = staging\n[os_glance_tasks_store]\nschemes = tasks\n";

    @Test
    void aLocationOfARetiredStoreIsReadFromTheStoreThatClaimsIt() throws Exception {
        FakeDriverFactory mem = new FakeDriverFactory("mem");
        try (Stowage s = StowageTest.build(INI, mem, StowageTest.reservedFile())) {
            byte[] data = "moved here".getBytes();
            s.add("b", new ByteArrayInputStream(data), AddOptions.defaults().imageId(StowageTest.IMG_1));
            mem.created.get("b").owned.add(StowageTest.IMG_1);
            String retired = "mem://retired/" + StowageTest.IMG_1;

            try (ImageStream in = s.get(retired)) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
            assertThat(s.resolve(retired).id()).isEqualTo("b");
            assertThat(s.size(retired)).isEqualTo(data.length);

            UpgradeOutcome o = s.locationUpgrader(Duration.ZERO, Clock.systemUTC())
                    .upgrade(new ImageRecord(StowageTest.IMG_1, List.of(new ImageLocation(retired, Map.of()))), null);
            assertThat(o.locations()).extracting(ImageLocation::store).containsExactly("b");
            assertThat(o.locations()).extracting(ImageLocation::url).containsExactly("mem://b/" + StowageTest.IMG_1);
        }
    }
}
