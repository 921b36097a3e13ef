package org.stowage.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/**
 * A driver that implements only the seven required methods gets the neutral facets: writable,
 * healthy, nothing to show, no legacy locations, no inventory; a context that implements only its
 * required methods lends its scheduler as the workers and the system clock.
 */
class StoreDriverDefaultsTest {
    /** The smallest driver: everything else is a default. */
    private static final class Minimal implements StoreDriver {
        @Override
        public LocationCodec locations() {
            return new LocationCodec() {
                @Override
                public Set<String> schemes() {
                    return Set.of("min");
                }

                @Override
                public List<String> prefixes() {
                    return List.of("min://s");
                }

                @Override
                public StoreLocation parse(String uri) {
                    throw StoreException.badStoreUri(uri);
                }
            };
        }

        @Override
        public Capabilities capabilities() {
            return Capabilities.READ_ONLY;
        }

        @Override
        public ImageWriter openWriter(AddRequest request) {
            throw StoreException.storeAddDisabled(request.imageId());
        }

        @Override
        public ImageStream get(StoreLocation location, long offset, long length) {
            throw StoreException.notFound(location.uri());
        }

        @Override
        public long size(StoreLocation location) {
            throw StoreException.notFound(location.uri());
        }

        @Override
        public void delete(StoreLocation location) {
            throw StoreException.notFound(location.uri());
        }

        @Override
        public void close() {
        }
    }

    @Test
    void theFacetsDefaultToNeutral() {
        StoreDriver d = new Minimal();
        StoreStatus s = d.status();
        assertThat(s).isSameAs(StoreStatus.DEFAULT);
        assertThat(s.writeDisabledReason()).isEmpty();
        assertThat(s.health(Duration.ofSeconds(1))).isEqualTo(StoreHealth.ok());
        assertThat(s.properties()).isEmpty();
        assertThat(s.statistics()).isEmpty();
        assertThat(d.legacy()).isEmpty();
        assertThat(d.inventory()).isEmpty();
    }

    @Test
    void aContextLendsItsSchedulerAsWorkersByDefault() {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            StoreContext c = new StoreContext() {
                @Override
                public String storeId() {
                    return "s";
                }

                @Override
                public String storeType() {
                    return "min";
                }

                @Override
                public StoreSettings settings() {
                    return null;
                }

                @Override
                public boolean multiStore() {
                    return true;
                }

                @Override
                public ScheduledExecutorService scheduler() {
                    return scheduler;
                }
            };
            assertThat(c.workers()).isSameAs(scheduler);
            assertThat(c.clock().getZone()).isEqualTo(ZoneOffset.UTC);
            assertThat(c.extensions(Runnable.class)).isEmpty();
        } finally {
            scheduler.shutdownNow();
        }
    }
}
