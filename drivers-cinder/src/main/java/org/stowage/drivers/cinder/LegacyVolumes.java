package org.stowage.drivers.cinder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.drivers.cinder.internal.CinderClient.Volume;
import org.stowage.spi.LegacyLocations;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;

/**
 * Which pre-multi-store locations ({@code cinder://<volume>}) are this store's: those whose
 * volume is of the store's volume type.
 */
final class LegacyVolumes implements LegacyLocations {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyVolumes.class);

    private final CinderClient client;
    private final ImageVolumes volumes;

    LegacyVolumes(CinderClient client, ImageVolumes volumes) {
        this.client = client;
        this.volumes = volumes;
    }

    /**
     * Whether the legacy location's volume is of this store's type. A volume this store cannot
     * see (deleted, or in another project) is {@code NotFound}, so the host can tell "gone" from
     * "another store's"; an outage or rejected credentials are thrown as they are.
     */
    @Override
    public boolean owns(StoreLocation location) {
        CinderLocation l = ImageVolumes.cinder(location);
        Optional<Volume> v = client.getVolume(l.volumeId());
        if (v.isEmpty()) {
            throw StoreException.notFound(volumes.store() + "volume " + l.volumeId() + " of legacy location " + l
                    + " does not exist in " + client.describe() + " (or is not visible to the store's project)");
        }
        return volumes.ownType().equals(v.get().volumeType());
    }

    /**
     * The batch form: the volumes of the store's project are listed page by page
     * ({@code GET /volumes/detail?limit=&marker=}) until every asked-for volume was seen or the
     * list ends, and each one's {@code volume_type} is compared with this store's type (for a
     * store without {@code cinder_volume_type}: Cinder's default type, one
     * {@code GET /types/default}). Not filtered by type on the server: Cinder 21 (Zed) silently
     * returns nothing for {@code volume_type=<name>} instead of filtering. A volume not seen
     * (another project, deleted) is not mine. A listing error is thrown (the caller decides),
     * never turned into "not mine" for every location.
     */
    @Override
    public Map<StoreLocation, Boolean> owned(Collection<? extends StoreLocation> locations) {
        Map<StoreLocation, Boolean> out = new LinkedHashMap<>();
        Map<String, List<StoreLocation>> byVolume = new LinkedHashMap<>();
        for (StoreLocation sl : locations) {
            out.put(sl, false);
            byVolume.computeIfAbsent(ImageVolumes.cinder(sl).volumeId(), k -> new ArrayList<>()).add(sl);
        }
        if (byVolume.isEmpty()) {
            return out;
        }
        String mine = volumes.ownType();
        Set<String> pending = new HashSet<>(byVolume.keySet());
        int pages = volumes.scan(Map.of(), page -> {
            for (Volume v : page) {
                if (pending.remove(v.id()) && mine.equals(v.volumeType())) {
                    byVolume.get(v.id()).forEach(sl -> out.put(sl, true));
                }
            }
            return !pending.isEmpty();
        });
        if (!pending.isEmpty()) {
            LOG.info("store '{}': {} of {} legacy volume(s) are not visible to the store's service project "
                    + "(image-volumes should live in the service project): {}", volumes.storeId(), pending.size(),
                    byVolume.size(), pending.size() <= 10 ? pending : pending.size() + " volumes");
        }
        LOG.debug("store '{}': legacy lookup of {} volume(s) listed {} page(s)", volumes.storeId(), byVolume.size(),
                pages);
        return out;
    }
}
