package org.stowage.drivers.cinder;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.Extension;
import org.stowage.core.Stowage;
import org.stowage.core.config.ConfigFiles;
import org.stowage.drivers.cinder.connector.ConnectorContext;
import org.stowage.drivers.cinder.connector.VolumeConnector;
import org.stowage.drivers.cinder.connector.VolumeDevice;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreSettings;

/**
 * The factory takes its volume connectors from the host's extensions: those the context lends,
 * and, through the real host, an extension on the classpath. Creating a store calls nobody.
 */
class CinderStoreDriverFactoryTest {
    /** A connector on the test classpath, indexed by PF4J's annotation processor as a plugin's would be. */
    @Extension
    public static final class ClasspathConnector implements VolumeConnector {
        @Override
        public String protocol() {
            return "stowage-test";
        }

        @Override
        public VolumeDevice connect(Map<String, Object> info, boolean readOnly, ConnectorContext ctx) {
            throw new UnsupportedOperationException("test connector");
        }
    }

    /** A context lending {@code connectors} as the host's VolumeConnector extensions, recording what is asked. */
    private record LendingContext(StoreContext base, List<VolumeConnector> connectors, List<Class<?>> asked)
            implements StoreContext {
        @Override
        public String storeId() {
            return base.storeId();
        }

        @Override
        public String storeType() {
            return base.storeType();
        }

        @Override
        public StoreSettings settings() {
            return base.settings();
        }

        @Override
        public boolean multiStore() {
            return base.multiStore();
        }

        @Override
        public ScheduledExecutorService scheduler() {
            return TestSettings.SCHEDULER;
        }

        @Override
        public ExecutorService workers() {
            return TestSettings.SCHEDULER;
        }

        @Override
        public <T> List<T> extensions(Class<T> type) {
            asked.add(type);
            return type == VolumeConnector.class ? connectors.stream().map(type::cast).toList() : List.of();
        }
    }

    @Test
    void theContextsVolumeConnectorExtensionsServeBesideTheBuiltInOnes() {
        VolumeConnector rbd = new VolumeConnector() {
            @Override
            public String protocol() {
                return "rbd";
            }

            @Override
            public VolumeDevice connect(Map<String, Object> info, boolean readOnly, ConnectorContext ctx) {
                throw new UnsupportedOperationException("test connector");
            }
        };
        List<Class<?>> asked = new ArrayList<>();
        StoreContext ctx = new LendingContext(TestSettings.context("c", FakeCinderStore.settings(), true), List.of(rbd),
                asked);
        try (StoreDriver d = new CinderStoreDriverFactory().create(ctx)) {
            assertThat(asked).containsExactly(VolumeConnector.class);
            assertThat(d.status().properties()).containsEntry("volume_connectors", "local,nfs,rbd");
        }
    }

    @Test
    void theHostFindsAConnectorExtensionOnTheClasspath(@TempDir Path dir) {
        String conf = "[DEFAULT]\nenabled_backends = files:file, c:cinder\n\n[glance_store]\ndefault_backend = files\n\n"
                + "[files]\nfilesystem_store_datadir = " + dir + "\n\n[c]\ncinder_volume_type = glance-fast\n"
                + "cinder_store_auth_address = http://127.0.0.1:1/v3\ncinder_store_user_name = glance\n"
                + "cinder_store_password = glance\ncinder_store_project_name = service\n";
        try (Stowage s = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", conf)).pluginsDir(null).build()) {
            assertThat(s.store("c").failure()).isEmpty();
            assertThat(s.store("c").properties()).containsEntry("volume_connectors", "local,nfs,stowage-test");
            assertThat(s.store("c").statistics()).as("creating the store called nobody")
                    .containsEntry("remote_calls", 0L);
        }
    }
}
