package org.stowage.core.locations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stowage.core.FakeDriverFactory;
import org.stowage.core.Stowage;
import org.stowage.core.config.ConfigFiles;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * What an upgrade reports: a store that could not be asked is an error of its own (never "no store
 * owns it"), every location left as it was is listed with its image and reason, and a JSON
 * document of images, in either of the Glance API's shapes, comes back with only its changed
 * locations rewritten.
 */
class UpgradeReportingTest {
    FakeDriverFactory mem;
    Stowage stowage;

    @BeforeEach
    void setUp() {
        mem = new FakeDriverFactory("mem");
        stowage = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", LocationUpgraderTest.CONF))
                .pluginsDir(null).addFactory(mem).addFactory(new FakeDriverFactory("file")).build();
    }

    @AfterEach
    void tearDown() {
        stowage.close();
    }

    /** The fake's remote side fails as an unreachable Cinder does (a fault the fake stands in for). */
    private void unreachable(String store) {
        mem.created.get(store).ownershipFailure = new StoreException(ErrorKind.REMOTE_SERVICE_UNAVAILABLE,
                "Cinder at http://127.0.0.1:8776 unreachable: connection refused");
    }

    @Test
    void aStoreThatCannotBeAskedIsReportedAsAStoreErrorNotAsAMiss() {
        unreachable("old");
        ImageRecord image = new ImageRecord("i1", List.of(new ImageLocation("cinder://legacy/vol-1", Map.of())));
        LocationUpgrader upgrader = stowage.locationUpgrader(Duration.ofHours(1), Clock.systemUTC());

        UpgradeOutcome o = upgrader.upgrade(image, null);

        UpgradeOutcome.Entry e = o.entries().get(0);
        assertThat(e.status()).isEqualTo(UpgradeOutcome.Status.FAILED);
        assertThat(e.failure()).isEqualTo(ErrorKind.REMOTE_SERVICE_UNAVAILABLE);
        assertThat(e.reason()).contains("store 'old' could not be asked whether it owns it")
                .contains("RemoteServiceUnavailable").contains("connection refused")
                .contains("not owned by cinder store(s) new").doesNotContain("no enabled cinder store owns it");
        assertThat(o.locations()).isEqualTo(image.locations());
        assertThat(o.unresolved()).containsExactly(new UpgradeOutcome.Unresolved("i1", "cinder://legacy/vol-1",
                e.reason(), ErrorKind.REMOTE_SERVICE_UNAVAILABLE));

        // a store error is not remembered as a miss: once the store answers, the location is placed
        mem.created.get("old").ownershipFailure = null;
        mem.created.get("old").owned.add("vol-1");
        assertThat(upgrader.upgrade(image, null).locations().get(0).url()).isEqualTo("cinder://old/vol-1");
    }

    @Test
    void anotherStoreThatOwnsTheLocationStillPlacesItWhenOneFails() {
        unreachable("old");
        mem.created.get("new").owned.add("vol-2");
        UpgradeOutcome o = stowage.locationUpgrader(Duration.ZERO, Clock.systemUTC()).upgrade(
                new ImageRecord("i2", List.of(new ImageLocation("cinder://legacy/vol-2", Map.of()))), null);
        assertThat(o.entries().get(0).status()).isEqualTo(UpgradeOutcome.Status.UPGRADED);
        assertThat(o.unresolved()).isEmpty();
    }

    @Test
    void everyLocationLeftAsItWasIsListedWithItsImageAndReason() throws Exception {
        List<ImageRecord> images = List.of(
                new ImageRecord("a1", List.of(new ImageLocation("cinder://legacy/nobody", Map.of()))),
                new ImageRecord("a2", List.of(new ImageLocation("swift://user:secret@host/c/o", Map.of()))),
                new ImageRecord("a3", List.of(new ImageLocation("cinder://legacy/nobody-either", Map.of()))));
        List<UpgradeOutcome.Unresolved> unresolved = stowage.locationUpgrader(Duration.ZERO, Clock.systemUTC())
                .upgradeAll(images, null).stream().flatMap(o -> o.unresolved().stream()).toList();
        assertThat(unresolved).extracting(UpgradeOutcome.Unresolved::imageId).containsExactly("a1", "a2", "a3");
        assertThat(unresolved.get(0).reason()).contains("no enabled cinder store owns it (asked old, new)");
        assertThat(unresolved.get(1).reason()).contains("no enabled store serves scheme 'swift'");
        assertThat(unresolved.get(1).url()).doesNotContain("secret");
        assertThat(unresolved).extracting(UpgradeOutcome.Unresolved::failure).containsOnlyNulls();
    }

    /** An image as {@code GET /v2/images} shows it, in Python's json.dumps form, with one location. */
    private static String image(String id, String locations) {
        return "{\"status\": \"active\", \"name\": \"\\u00e9t\\u00e9 image\", \"tags\": [\"a\", \"b\"], "
                + "\"container_format\": \"bare\", \"size\": 12345678901234, \"virtual_size\": null, "
                + "\"os_hash_value\": \"abc\", \"min_ram\": 0, \"protected\": false, \"x_score\": 1.5, "
                + "\"x_tiny\": 1e-05, \"x_big\": 1e+16, \"id\": \"" + id + "\", \"locations\": " + locations
                + ", \"self\": \"/v2/images/" + id + "\", \"schema\": \"/v2/schemas/image\"}";
    }

    @Test
    void theImagesObjectOfTheImageApiComesBackWithOnlyChangedLocationsRewritten() {
        mem.created.get("old").owned.add("vol-1");
        String current = "[{\"url\": \"cinder://new/vol-7\", \"metadata\": {\"store\": \"new\"}, \"id\": \"l7\"}]";
        String legacy = "[{\"id\": \"l1\", \"url\": \"cinder://legacy/vol-1\", \"metadata\": {\"x\": 2}, \"status\": \"active\"}]";
        String json = "{\"images\": [" + image("i1", legacy) + ", " + image("i2", current) + "], "
                + "\"first\": \"/v2/images\", \"schema\": \"/v2/schemas/images\", \"next\": \"/v2/images?marker=i2\"}";

        ImagesDocument doc = ImagesDocument.parse(json, "images.json");
        assertThat(doc.images()).extracting(ImageRecord::id).containsExactly("i1", "i2");
        assertThat(doc.render(doc.images())).as("nothing changed: the text comes back as it was").isEqualTo(json);

        List<ImageRecord> upgraded = stowage.locationUpgrader(Duration.ZERO, Clock.systemUTC())
                .upgradeAll(doc.images(), null).stream().map(o -> new ImageRecord(o.imageId(), o.locations())).toList();
        String expected = json.replace(legacy, "[{\"id\": \"l1\", \"url\": \"cinder://old/vol-1\", "
                + "\"metadata\": {\"x\": 2, \"store\": \"old\"}, \"status\": \"active\"}]");
        assertThat(expected).isNotEqualTo(json);
        assertThat(ImagesDocument.parse(json, "images.json").render(upgraded)).isEqualTo(expected);
    }

    @Test
    void anArrayOfImagesKeepsEveryFieldToo() {
        mem.created.get("old").owned.add("vol-1");
        String legacy = "[{\"url\": \"cinder://legacy/vol-1\", \"metadata\": {}}]";
        String json = "[" + image("i1", legacy) + "]";
        ImagesDocument doc = ImagesDocument.parse(json, "stdin");
        List<ImageRecord> upgraded = stowage.locationUpgrader(Duration.ZERO, Clock.systemUTC())
                .upgradeAll(doc.images(), null).stream().map(o -> new ImageRecord(o.imageId(), o.locations())).toList();
        assertThat(doc.render(upgraded)).isEqualTo(json.replace(legacy,
                "[{\"url\": \"cinder://old/vol-1\", \"metadata\": {\"store\": \"old\"}}]"));
    }

    @Test
    void aDocumentOfAnotherShapeIsRefusedSayingWhatWasExpected() {
        assertThatThrownBy(() -> ImagesDocument.parse("{\"image\": []}", "in.json")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("in.json").hasMessageContaining("{\"images\": [...]}");
        assertThatThrownBy(() -> ImagesDocument.parse("{\"images\": {}}", "in.json"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("expected a JSON array of images");
    }
}
