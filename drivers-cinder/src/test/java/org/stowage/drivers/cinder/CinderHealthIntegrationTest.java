package org.stowage.drivers.cinder;

import org.stowage.core.AddOptions;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.stowage.core.Stowage;
import org.stowage.core.config.ConfigFiles;
import org.stowage.spi.AddRequest;
import org.stowage.spi.StoreHealth;
import org.stowage.spi.StoreLocation;
import org.stowage.core.AddResult;
import org.stowage.tck.DirectAdds;

/**
 * Creating a cinder store asks nothing of Keystone or Cinder; the volume type is checked on the
 * first add or delete and by its status' health check, which tells ok / degraded /
 * unreachable / unavailable apart. Against the real local Keystone + Cinder; a hung Keystone is a
 * {@link SilentPeer} (the real one cannot be made to hang without breaking every other test), a
 * Cinder 503 comes from the loopback {@link FaultProxy}.
 */
class CinderHealthIntegrationTest {
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(20);
    @RegisterExtension
    static final LocalCinderProxy proxy = new LocalCinderProxy();

    static AddResult add(CinderStoreDriver d, String imageId, byte[] data, List<String> phases) {
        return DirectAdds.add(d, new AddRequest(imageId, data.length, null, phases::add), new ByteArrayInputStream(data));
    }

    static Map<String, String> withPassword(String type, String password) {
        Map<String, String> s = LocalCinder.storeSettings(type);
        s.put("cinder_store_password", password);
        return s;
    }

    @Test
    void aStoreWithAHungKeystoneIsCreatedWithoutCallingItAndDoesNotHoldUpAFileStore(@TempDir Path dir)
            throws Exception {
        try (SilentPeer keystone = new SilentPeer()) {
            String conf = "[DEFAULT]\nenabled_backends = files:file, hung:cinder\n\n[glance_store]\n"
                    + "default_backend = files\n\n[files]\nfilesystem_store_datadir = " + dir + "\n\n[hung]\n"
                    + "cinder_volume_type = glance-fast\ncinder_store_auth_address = " + keystone.keystoneUrl() + "\n"
                    + "cinder_store_user_name = glance\ncinder_store_password = glance\n"
                    + "cinder_store_project_name = service\ncinder_http_retries = 0\n";
            long t0 = System.nanoTime();
            try (Stowage s = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", conf)).pluginsDir(null)
                    .build()) {
                byte[] data = "an image in the file store".getBytes();
                var r = s.add("files", new ByteArrayInputStream(data), AddOptions.defaults().declaredSize(data.length).hashAlgorithm("sha512"));
                assertThat(s.size(r.location())).isEqualTo(data.length);
                s.delete(r.location());
                // what `stores` shows without a health check: nothing asked, nothing claimed
                assertThat(s.store("hung").properties()).containsEntry("volume_type_check", "not checked yet");
                assertThat(s.store("hung").writeDisabledReason()).isEmpty();
                long tookMs = (System.nanoTime() - t0) / 1_000_000;
                assertThat(keystone.accepted()).as("connections to the hung Keystone").isZero();
                // a client that had asked would wait at least its 10 s connect/120 s read timeout
                assertThat(tookMs).as("ms for start-up and three file-store operations").isLessThan(8_000);
            }
        }
    }

    @Test
    void healthOfAHungKeystoneIsUnreachableWithinTheTimeout() throws Exception {
        try (SilentPeer keystone = new SilentPeer()) {
            Map<String, String> s = LocalCinder.storeSettings(LocalCinder.FAST);
            s.put("cinder_store_auth_address", keystone.keystoneUrl());
            try (CinderStoreDriver d = LocalCinder.driver("hung", s)) {
                long t0 = System.nanoTime();
                StoreHealth h = d.status().health(Duration.ofMillis(1500));
                long tookMs = (System.nanoTime() - t0) / 1_000_000;
                assertThat(h.state()).isEqualTo(StoreHealth.State.UNREACHABLE);
                assertThat(h.reason()).contains(keystone.keystoneUrl()).contains("1500 ms").contains("1250 ms");
                assertThat(tookMs).isLessThan(6_000);
                assertThat(keystone.accepted()).isPositive();
                assertThat(d.status().properties().get("volume_type_check")).isNotEqualTo("ok");
            }
        }
    }

    /**
     * A health check whose timeout equals cinder_request_timeout ends before that timeout with its
     * own answer naming the silent server, so that a caller waiting exactly that long (the host's
     * health command) gets it rather than a bare "no answer within".
     */
    @Test
    void healthTimingOutWithTheRequestTimeoutNamesTheServerBeforeTheTimeout() throws Exception {
        try (SilentPeer keystone = new SilentPeer()) {
            Map<String, String> s = LocalCinder.storeSettings(LocalCinder.FAST);
            s.put("cinder_store_auth_address", keystone.keystoneUrl());
            s.put("cinder_request_timeout", "3");
            try (CinderStoreDriver d = LocalCinder.driver("hung", s)) {
                long t0 = System.nanoTime();
                StoreHealth h = d.status().health(Duration.ofSeconds(3));
                long tookMs = (System.nanoTime() - t0) / 1_000_000;
                assertThat(h.line()).startsWith("unreachable: Keystone at " + keystone.keystoneUrl()
                        + " did not answer within ");
                assertThat(tookMs).as("ms the check took, of its 3 s timeout").isLessThan(3_000);
            }
        }
    }

    @Test
    void healthIsOkOnlyWhenCredentialsAndVolumeTypeAreVerified() {
        try (CinderStoreDriver fast = LocalCinder.driver("fast", LocalCinder.FAST);
                CinderStoreDriver untyped = LocalCinder.driver("untyped", (String) null)) {
            assertThat(fast.status().properties()).containsEntry("volume_type_check", "not checked yet")
                    .containsEntry("use_multipath", false).containsEntry("enforce_multipath", false);
            assertThat(fast.status().statistics()).containsEntry("remote_calls", 0L);
            assertThat(fast.status().health(HEALTH_TIMEOUT)).isEqualTo(StoreHealth.ok());
            assertThat(fast.status().properties()).containsEntry("volume_type_check", "ok");
            assertThat(untyped.status().health(HEALTH_TIMEOUT)).isEqualTo(StoreHealth.ok());
        }
    }

    @Test
    void healthOfAMissingVolumeTypeIsDegraded() {
        String type = "glance-missing-" + UUID.randomUUID().toString().substring(0, 8);
        try (CinderStoreDriver d = LocalCinder.driver("missing", type)) {
            StoreHealth h = d.status().health(HEALTH_TIMEOUT);
            assertThat(h.state()).isEqualTo(StoreHealth.State.DEGRADED);
            assertThat(h.line()).startsWith("degraded: volume type '" + type + "' does not exist")
                    .contains("adds and deletes are refused");
            assertThat(d.status().writeDisabledReason()).get().asString().contains("does not exist");
        }
    }

    @Test
    void healthWithRejectedCredentialsIsUnavailableAndKeystoneDownIsUnreachable() {
        Map<String, String> down = LocalCinder.storeSettings(LocalCinder.FAST);
        down.put("cinder_store_auth_address", "http://127.0.0.1:9/v3");
        down.put("cinder_http_retries", "0");
        try (CinderStoreDriver bad = LocalCinder.driver("badcreds", withPassword(LocalCinder.FAST, "wrong-password"));
                CinderStoreDriver nokeystone = LocalCinder.driver("nokeystone", down)) {
            StoreHealth h = bad.status().health(HEALTH_TIMEOUT);
            assertThat(h.state()).isEqualTo(StoreHealth.State.UNAVAILABLE);
            assertThat(h.reason()).contains(LocalCinder.KEYSTONE).contains("rejected").doesNotContain("wrong-password");
            StoreHealth u = nokeystone.status().health(HEALTH_TIMEOUT);
            assertThat(u.state()).isEqualTo(StoreHealth.State.UNREACHABLE);
            assertThat(u.reason()).contains("http://127.0.0.1:9/v3");
        }
    }

    /** The same condition, the same kind on every operation: rejected credentials are a configuration error. */
    @Test
    void rejectedCredentialsAreBadStoreConfigurationOnAddGetSizeAndDelete() {
        try (CinderStoreDriver d = LocalCinder.driver("badcreds", withPassword(LocalCinder.FAST, "wrong-password"))) {
            StoreLocation loc = d.locations().parse("cinder://badcreds/" + UUID.randomUUID());
            String id = LocalCinder.newImageId();
            List<Throwable> errors = new ArrayList<>();
            errors.add(catchThrowable(() -> add(d, id, new byte[1000], new ArrayList<>())));
            errors.add(catchThrowable(() -> d.get(loc, 0, -1)));
            errors.add(catchThrowable(() -> d.size(loc)));
            errors.add(catchThrowable(() -> d.delete(loc)));
            assertThat(errors).allSatisfy(e -> assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                    .hasMessageContaining(LocalCinder.KEYSTONE).hasMessageNotContaining("wrong-password"));
            assertThat(d.status().writeDisabledReason()).isEmpty();
        }
    }

    @Test
    void aCinder503DuringTheTypeCheckIsAnOutageNotDisabledWrites() throws Exception {
        Map<String, String> s = proxy.storeSettings(LocalCinder.FAST);
        s.put("cinder_http_retries", "0");
        proxy.respond("GET", "/v3/[^/]+/types", 503);
        String id = LocalCinder.newImageId();
        try (CinderStoreDriver d = LocalCinder.driver("flaky", s)) {
            assertThatThrownBy(() -> add(d, id, new byte[1000], new ArrayList<>()))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE).hasMessageContaining("503")
                    .hasMessageContaining("127.0.0.1:" + proxy.port());
            assertThat(d.status().writeDisabledReason()).isEmpty();
            assertThat(d.status().health(HEALTH_TIMEOUT).state()).isEqualTo(StoreHealth.State.UNREACHABLE);
            proxy.clearRules();
            AddResult r = add(d, LocalCinder.newImageId(), new byte[1000], new ArrayList<>());
            d.delete(d.locations().parse(r.location()));
        } finally {
            proxy.clearRules();
        }
        CinderFaultIntegrationTest.assertNoVolumeFor(id);
    }

    @Test
    void anAddReportsItsPhasesInOrder() {
        List<String> phases = new ArrayList<>();
        try (CinderStoreDriver d = LocalCinder.driver("fast", LocalCinder.FAST)) {
            AddResult r = add(d, LocalCinder.newImageId(), new byte[300_000], phases);
            d.delete(d.locations().parse(r.location()));
        }
        assertThat(phases).containsExactly("creating volume", "attaching", "writing", "detaching");
    }

    @Test
    void aLegacyLocationWhoseVolumeIsGoneIsNotFoundAndAStoreThatIsDownIsAnOutage() {
        String legacy = "cinder://" + UUID.randomUUID();
        String creds = "cinder_store_user_name = glance\ncinder_store_password = glance\n"
                + "cinder_store_project_name = service\ncinder_http_retries = 0\n";
        String two = "[DEFAULT]\nenabled_backends = fast:cinder, slow:cinder\n\n[glance_store]\ndefault_backend = fast\n"
                + "\n[fast]\ncinder_volume_type = glance-fast\ncinder_store_auth_address = " + LocalCinder.KEYSTONE
                + "\n" + creds + "\n[slow]\ncinder_volume_type = glance-slow\ncinder_store_auth_address = "
                + LocalCinder.KEYSTONE + "\n" + creds;
        try (Stowage s = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", two)).pluginsDir(null).build()) {
            assertThatThrownBy(() -> s.size(legacy)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND)
                    .hasMessageContaining(legacy.substring("cinder://".length())).hasMessageContaining("does not exist");
            assertThatThrownBy(() -> s.delete(legacy)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
        }
        String oneDown = two.replaceFirst("(\\[slow\\][^\\[]*?cinder_store_auth_address = )\\S+", "$1http://127.0.0.1:9/v3");
        assertThat(oneDown).contains("http://127.0.0.1:9/v3");
        try (Stowage s = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", oneDown)).pluginsDir(null)
                .build()) {
            assertThatThrownBy(() -> s.size(legacy)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE)
                    .hasMessageContaining("http://127.0.0.1:9/v3");
        }
    }
}
