package org.stowage.drivers.cinder.connector;

import java.io.IOException;
import java.util.Map;
import org.pf4j.ExtensionPoint;

/**
 * Makes an attached Cinder volume usable on this host, for one {@code driver_volume_type}
 * (the {@code connection_info} of a v3 attachment names it). This is the cinder driver's
 * extension point: a third-party PF4J plugin that depends on the cinder plugin can contribute
 * one with {@code @org.pf4j.Extension}; the built-in ones are {@code nfs} and {@code local}.
 *
 * <p>The cinder store creates the attachment, connects, does its I/O on
 * {@link VolumeDevice#path()}, closes the device (disconnect) and always deletes the
 * attachment. Implementations must be safe for concurrent use.
 */
public interface VolumeConnector extends ExtensionPoint {
    /** The {@code driver_volume_type} served, e.g. {@code nfs}; matched case-insensitively. */
    String protocol();

    /**
     * Connects the volume described by {@code connectionInfo} (the attachment's flat
     * {@code connection_info}, as Cinder returned it).
     *
     * @param readOnly open for reading only; the store then never writes, whatever Cinder's
     *                 {@code access_mode} says
     * @throws IOException or a {@link org.stowage.spi.StoreException} when the device cannot be
     *         made available; the message names the volume and what failed
     */
    VolumeDevice connect(Map<String, Object> connectionInfo, boolean readOnly, ConnectorContext context)
            throws IOException;

    /**
     * True if a volume connected by this connector can grow while attached (Cinder extends it
     * in use, then {@link VolumeDevice#refreshSize()} sees the new size). NFS cannot.
     */
    default boolean supportsExtendAttached() {
        return false;
    }

    /**
     * True if closing the device makes the written data durable where Cinder keeps it, so the
     * store need not {@code fsync} before it detaches. NFS does (close-to-open consistency: the
     * client writes its dirty pages back to the server on close, which is also all glance_store
     * relies on); a local block device does not, so the default is false and the store syncs.
     */
    default boolean durableOnClose() {
        return false;
    }
}
