package org.stowage.drivers.cinder.connector;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access of this process to an attached device for one read or write. A device node that
 * os-brick or udev created belongs to root (or a disk group), so a store that does not run as
 * root takes ownership through the root helper ({@code chown <own uid> <device>}) and gives it
 * back ({@code chown <original uid> <device>}) when the volume is disconnected, as glance_store
 * does. Without a root helper it refuses with a message that says what to configure.
 */
final class DeviceAccess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceAccess.class);
    private static final DeviceAccess NOTHING_TAKEN = new DeviceAccess(null, -1, null);

    private final Path device;
    private final int originalUid;
    private final ConnectorContext ctx;

    private DeviceAccess(Path device, int originalUid, ConnectorContext ctx) {
        this.device = device;
        this.originalUid = originalUid;
        this.ctx = ctx;
    }

    /**
     * Makes {@code device} readable ({@code readOnly}) or writable by this process; close the
     * result to give ownership back.
     */
    static DeviceAccess take(Path device, boolean readOnly, ConnectorContext ctx) throws IOException {
        if (accessible(device, readOnly)) {
            return NOTHING_TAKEN;
        }
        int uid = currentUid();
        int owner = (Integer) Files.getAttribute(device, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        String where = "store '" + ctx.storeId() + "': volume " + ctx.volumeId() + ": device " + device + " (owner uid "
                + owner + ", mode " + Files.getAttribute(device, "unix:mode") + ") is not "
                + (readOnly ? "readable" : "writable") + " by this process (uid " + uid + ")";
        if (ctx.rootHelper().isEmpty()) {
            throw StoreException.badStoreConfiguration(where + " and no root helper is configured to take ownership of"
                    + " it: set rootwrap_config (the store then runs 'sudo glance-rootwrap <rootwrap_config> chown ...'"
                    + " as glance_store does), or give uid " + uid + " access to the device");
        }
        Commands.Outcome o = chown(uid, device, ctx);
        if (!o.ok()) {
            throw StoreException.backend(where + "; taking ownership through the root helper failed: '"
                    + String.join(" ", command(uid, device, ctx)) + "': " + o.describe()
                    + " (check rootwrap_config and that its filters allow chown)");
        }
        return new DeviceAccess(device, owner, ctx);
    }

    /** Gives the device back to its original owner; a failure is logged (the data is already written). */
    @Override
    public void close() {
        if (device == null) {
            return;
        }
        try {
            Commands.Outcome o = chown(originalUid, device, ctx);
            if (!o.ok()) {
                LOG.warn("store '{}': volume {}: giving {} back to uid {} failed: {}", ctx.storeId(), ctx.volumeId(),
                        device, originalUid, o.describe());
            }
        } catch (IOException e) {
            LOG.warn("store '{}': volume {}: giving {} back to uid {} failed: {}", ctx.storeId(), ctx.volumeId(),
                    device, originalUid, e.toString());
        }
    }

    private static boolean accessible(Path device, boolean readOnly) {
        return readOnly ? Files.isReadable(device) : Files.isWritable(device);
    }

    private static Commands.Outcome chown(int uid, Path device, ConnectorContext ctx) throws IOException {
        return Commands.run(command(uid, device, ctx));
    }

    private static List<String> command(int uid, Path device, ConnectorContext ctx) {
        List<String> cmd = new ArrayList<>(ctx.rootHelper());
        cmd.addAll(List.of("chown", String.valueOf(uid), device.toString()));
        return cmd;
    }

    /** The process's effective uid (the owner of what it creates). */
    private static int currentUid() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return Integer.parseInt(line.split("\\s+")[2]);
            }
        }
        throw new IOException("no Uid line in /proc/self/status");
    }
}
