package org.stowage.core.locations;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stowage.core.FakeDriverFactory;
import org.stowage.core.Stowage;
import org.stowage.core.config.ConfigFiles;

class LocationUpgraderTest {
    static final String CONF = "[DEFAULT]\nenabled_backends = old:mem, new:mem, img:mem\n[glance_store]\ndefault_backend = new\n"
            + "[old]\nschemes = cinder\n[new]\nschemes = cinder\n[img]\nschemes = file\nprefixes = file:///d/img\n"
            + "[os_glance_staging_store]\nschemes = staging\n[os_glance_tasks_store]\nschemes = tasks\n";
    FakeDriverFactory mem;
    Stowage stowage;

    @BeforeEach
    void setUp() {
        mem = new FakeDriverFactory("mem");
        stowage = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", CONF)).pluginsDir(null)
                .addFactory(mem).addFactory(new FakeDriverFactory("file")).build();
    }

    @AfterEach
    void tearDown() {
        stowage.close();
    }

    long calls() {
        return mem.created.values().stream().mapToLong(s -> s.status().statistics().get("remote_calls")).sum();
    }

    @Test
    void legacyCinderGoesToTheStoreThatOwnsTheVolumeAndFileGetsItsStoreId() {
        mem.created.get("new").owned.add("vol-2");
        mem.created.get("old").owned.add("vol-1");
        ImageRecord image = new ImageRecord("i1", List.of(
                new ImageLocation("cinder://legacy/vol-1", Map.of()),
                new ImageLocation("cinder://legacy/vol-2", Map.of("other", "kept")),
                new ImageLocation("file:///d/img/i1", Map.of()),
                new ImageLocation("cinder://new/vol-3", Map.of("store", "new"))));
        List<String> saved = new ArrayList<>();
        UpgradeOutcome o = stowage.locationUpgrader(Duration.ZERO, Clock.systemUTC())
                .upgrade(image, (id, locs) -> saved.add(id + "=" + locs.size()));
        assertThat(o.locations()).extracting(ImageLocation::url)
                .containsExactly("cinder://old/vol-1", "cinder://new/vol-2", "file:///d/img/i1", "cinder://new/vol-3");
        assertThat(o.locations()).extracting(ImageLocation::store).containsExactly("old", "new", "img", "new");
        assertThat(o.locations().get(1).metadata()).containsEntry("other", "kept");
        assertThat(o.entries()).extracting(UpgradeOutcome.Entry::status).containsExactly(UpgradeOutcome.Status.UPGRADED,
                UpgradeOutcome.Status.UPGRADED, UpgradeOutcome.Status.UPGRADED, UpgradeOutcome.Status.CURRENT);
        assertThat(saved).containsExactly("i1=4");
    }

    @Test
    void aRetiredStoreIdIsResolvedAgainAndUnresolvedLocationsAreLeftWithAReason() {
        mem.created.get("old").owned.add("vol-9");
        ImageRecord image = new ImageRecord("i2", List.of(
                new ImageLocation("cinder://gone/vol-9", Map.of("store", "gone")),
                new ImageLocation("cinder://legacy/nobody", Map.of()),
                new ImageLocation("swift://x/y", Map.of())));
        UpgradeOutcome o = stowage.locationUpgrader(Duration.ZERO, Clock.systemUTC()).upgrade(image, null);
        assertThat(o.locations().get(0).url()).isEqualTo("cinder://old/vol-9");
        assertThat(o.entries().get(1).status()).isEqualTo(UpgradeOutcome.Status.UNRESOLVED);
        assertThat(o.entries().get(1).reason()).contains("no enabled cinder store owns it").contains("old, new");
        assertThat(o.entries().get(2).reason()).contains("no enabled store serves scheme 'swift'");
        assertThat(o.locations().get(1)).isEqualTo(image.locations().get(1));
    }

    @Test
    void secondRunChangesNothing() {
        mem.created.get("old").owned.add("v");
        LocationUpgrader u = stowage.locationUpgrader(Duration.ZERO, Clock.systemUTC());
        UpgradeOutcome first = u.upgrade(new ImageRecord("i", List.of(new ImageLocation("cinder://legacy/v", Map.of()))), null);
        List<String> saved = new ArrayList<>();
        UpgradeOutcome second = u.upgrade(new ImageRecord("i", first.locations()), (id, l) -> saved.add(id));
        assertThat(second.changed()).isFalse();
        assertThat(saved).isEmpty();
    }

    @Test
    void bulkAsksEachStoreOnceWhateverTheNumberOfImages() {
        for (int i = 0; i < 100; i++) {
            (i % 2 == 0 ? mem.created.get("old") : mem.created.get("new")).owned.add("vol-" + i);
        }
        List<ImageRecord> images = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            images.add(new ImageRecord("i" + i, List.of(new ImageLocation("cinder://legacy/vol-" + i, Map.of()))));
        }
        List<UpgradeOutcome> out = stowage.locationUpgrader(Duration.ZERO, Clock.systemUTC()).upgradeAll(images, null);
        assertThat(out).allMatch(UpgradeOutcome::changed);
        assertThat(out.get(0).locations().get(0).store()).isEqualTo("old");
        assertThat(out.get(1).locations().get(0).store()).isEqualTo("new");
        assertThat(calls()).isEqualTo(2);
    }

    @Test
    void aMissIsRememberedForItsTimeThenCheckedAgain() {
        MutableClock clock = new MutableClock();
        LocationUpgrader u = stowage.locationUpgrader(Duration.ofMinutes(10), clock);
        ImageRecord image = new ImageRecord("i", List.of(new ImageLocation("cinder://legacy/nobody", Map.of())));
        u.upgrade(image, null);
        long after1 = calls();
        assertThat(after1).isEqualTo(2);
        UpgradeOutcome again = u.upgrade(image, null);
        assertThat(calls()).isEqualTo(after1);
        assertThat(again.entries().get(0).reason()).contains("remembered miss");
        clock.now = clock.now.plus(Duration.ofMinutes(11));
        mem.created.get("new").owned.add("nobody");
        UpgradeOutcome later = u.upgrade(image, null);
        assertThat(later.locations().get(0).url()).isEqualTo("cinder://new/nobody");
    }

    @Test
    void imageServiceUpgradesOnReadPersistsOnceAndListsUpgraded() throws Exception {
        mem.created.get("old").owned.add("vol-1");
        mem.created.get("old").images.put("vol-1", "legacy bytes".getBytes());
        Map<String, ImageRecord> db = new LinkedHashMap<>();
        db.put("i1", new ImageRecord("i1", List.of(new ImageLocation("cinder://legacy/vol-1", Map.of()))));
        List<String> saves = new ArrayList<>();
        ImageService svc = new ImageService(stowage, new ImageService.ImageRepository() {
            @Override
            public Optional<ImageRecord> find(String id) {
                return Optional.ofNullable(db.get(id));
            }

            @Override
            public List<ImageRecord> list() {
                return new ArrayList<>(db.values());
            }

            @Override
            public void save(String id, List<ImageLocation> locs) {
                saves.add(id);
                db.put(id, new ImageRecord(id, locs));
            }
        }, Duration.ofMinutes(5));
        try (var in = svc.open("i1")) {
            assertThat(new String(in.readAllBytes())).isEqualTo("legacy bytes");
        }
        assertThat(db.get("i1").locations().get(0).url()).isEqualTo("cinder://old/vol-1");
        assertThat(saves).containsExactly("i1");
        long callsAfterFirst = calls();
        assertThat(svc.show("i1").locations().get(0).store()).isEqualTo("old");
        assertThat(svc.list()).hasSize(1);
        assertThat(calls()).isEqualTo(callsAfterFirst);
        assertThat(saves).containsExactly("i1");
    }

    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
