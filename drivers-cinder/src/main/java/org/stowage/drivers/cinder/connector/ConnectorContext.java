package org.stowage.drivers.cinder.connector;

import java.nio.file.Path;
import java.util.List;

/** What a {@link VolumeConnector} may use from the store's configuration. */
public interface ConnectorContext {
    /** The store id, for messages. */
    String storeId();

    /** The volume id, for messages. */
    String volumeId();

    /** {@code cinder_mount_point_base}. */
    Path mountPointBase();

    /** {@code cinder_use_multipath}. */
    boolean useMultipath();

    /** {@code cinder_enforce_multipath}. */
    boolean enforceMultipath();

    /**
     * The prefix for privileged commands: empty when the process is root or
     * {@code rootwrap_config} is empty (no root helper), else
     * {@code sudo glance-rootwrap <rootwrap_config>}.
     */
    List<String> rootHelper();
}
