package org.stowage.drivers.cinder.connector;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code nfs} protocol: the volume is the file {@code connection_info.name} on the share
 * {@code connection_info.export}. The share is used where it is already mounted, in this order:
 * <ol>
 * <li>an NFS mount of the export anywhere on the host;</li>
 * <li>Cinder's own mount point {@code <connection_info.mount_point_base>/<md5(export)>}
 *     (os-brick's layout, present when cinder-volume runs on this host);</li>
 * <li>Stowage's mount point {@code <cinder_mount_point_base>/nfs/<sha256(export)>}
 *     (glance_store's layout) if something already mounted it there;</li>
 * </ol>
 * and only otherwise mounted there ({@code mount -t nfs [options] export dir} through the root
 * helper), reference-counted within this process and unmounted by the last user.
 * Encrypted and qcow2 volumes are refused, as upstream does.
 */
public final class NfsVolumeConnector implements VolumeConnector {
    private static final Logger LOG = LoggerFactory.getLogger(NfsVolumeConnector.class);
    private static final Map<Path, Integer> OWN_MOUNTS = new HashMap<>();

    /** NFS writes dirty pages back to the server on close (close-to-open consistency). */
    @Override
    public boolean durableOnClose() {
        return true;
    }

    @Override
    public String protocol() {
        return "nfs";
    }

    @Override
    public VolumeDevice connect(Map<String, Object> info, boolean readOnly, ConnectorContext ctx) throws IOException {
        String where = "store '" + ctx.storeId() + "': volume " + ctx.volumeId() + ": ";
        String export = str(info.get("export"));
        String name = str(info.get("name"));
        if (export == null || name == null) {
            throw StoreException.backend(where + "nfs connection_info lacks export or name (keys: " + info.keySet() + ")");
        }
        if (Boolean.TRUE.equals(info.get("encrypted"))) {
            throw StoreException.backend(where + "encrypted volume creation for cinder nfs is not supported");
        }
        if ("qcow2".equals(str(info.get("format")))) {
            throw StoreException.backend(where + "qcow2 volume creation for cinder nfs is not supported");
        }
        if (name.contains("/") || name.equals("..")) {
            throw StoreException.backend(where + "nfs connection_info name '" + name + "' is not a file name");
        }
        MountTable table = MountTable.read();
        Path dir = table.nfsMountOf(export);
        if (dir == null) {
            String cinderBase = str(info.get("mount_point_base"));
            if (cinderBase != null) {
                Path p = Path.of(cinderBase, hex("MD5", export));
                if (table.isMountPoint(p)) {
                    dir = p;
                }
            }
        }
        Path own = ctx.mountPointBase().resolve("nfs").resolve(hex("SHA-256", export));
        if (dir == null && table.isMountPoint(own)) {
            dir = own;
        }
        boolean mounted = false;
        if (dir == null) {
            mount(export, own, str(info.get("options")), ctx, where);
            dir = own;
            mounted = true;
        }
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            if (mounted) {
                release(own, ctx);
            }
            throw StoreException.backend(where + "volume file " + file + " does not exist on share " + export);
        }
        boolean release = mounted;
        return new VolumeDevice() {
            @Override
            public Path path() {
                return file;
            }

            @Override
            public void close() {
                if (release) {
                    release(own, ctx);
                }
            }
        };
    }

    private static void mount(String export, Path dir, String options, ConnectorContext ctx, String where)
            throws IOException {
        synchronized (OWN_MOUNTS) {
            Integer n = OWN_MOUNTS.get(dir);
            if (n != null) {
                OWN_MOUNTS.put(dir, n + 1);
                return;
            }
            Files.createDirectories(dir);
            List<String> cmd = new ArrayList<>(ctx.rootHelper());
            cmd.addAll(List.of("mount", "-t", "nfs"));
            if (options != null && !options.isBlank()) {
                cmd.addAll(List.of(options.trim().split("\\s+")));
            }
            cmd.add(export);
            cmd.add(dir.toString());
            String out = run(cmd);
            if (!MountTable.read().isMountPoint(dir)) {
                throw StoreException.backend(where + "cannot mount nfs share " + export + " on " + dir + ": " + out);
            }
            OWN_MOUNTS.put(dir, 1);
        }
    }

    private static void release(Path dir, ConnectorContext ctx) {
        synchronized (OWN_MOUNTS) {
            Integer n = OWN_MOUNTS.get(dir);
            if (n == null) {
                return;
            }
            if (n > 1) {
                OWN_MOUNTS.put(dir, n - 1);
                return;
            }
            OWN_MOUNTS.remove(dir);
            List<String> cmd = new ArrayList<>(ctx.rootHelper());
            cmd.addAll(List.of("umount", dir.toString()));
            for (int i = 0; i < 3; i++) {
                try {
                    run(cmd);
                    if (!MountTable.read().isMountPoint(dir)) {
                        Files.deleteIfExists(dir);
                        return;
                    }
                    Thread.sleep(1000);
                } catch (IOException e) {
                    LOG.warn("store '{}': umount {} failed: {}", ctx.storeId(), dir, e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            LOG.warn("store '{}': could not unmount {}", ctx.storeId(), dir);
        }
    }

    private static String run(List<String> cmd) throws IOException {
        return Commands.run(cmd).describe();
    }

    static String hex(String algo, String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algo).digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String str(Object o) {
        return o instanceof String && !((String) o).isEmpty() ? (String) o : null;
    }
}
