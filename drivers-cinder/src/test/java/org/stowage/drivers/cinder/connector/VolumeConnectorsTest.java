package org.stowage.drivers.cinder.connector;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumeConnectorsTest {
    static ConnectorContext ctx(Path base) {
        return new ConnectorContext() {
            public String storeId() {
                return "fast";
            }

            public String volumeId() {
                return "v1";
            }

            public Path mountPointBase() {
                return base;
            }

            public boolean useMultipath() {
                return false;
            }

            public boolean enforceMultipath() {
                return false;
            }

            public List<String> rootHelper() {
                return List.of();
            }
        };
    }

    @Test
    void unknownProtocolNamesItAndTheAvailableOnes() {
        VolumeConnectors c = VolumeConnectors.create(List.of());
        assertThat(c.protocols()).containsExactly("local", "nfs");
        assertThat(c.forProtocol("NFS", "")).isInstanceOf(NfsVolumeConnector.class);
        assertThatThrownBy(() -> c.forProtocol("rbd", "store 'fast': ")).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND)
                .hasMessageContaining("'rbd'").hasMessageContaining("[local, nfs]");
    }

    @Test
    void aPluginConnectorIsFoundAndMayReplaceABuiltInOne() {
        VolumeConnector rbd = new VolumeConnector() {
            public String protocol() {
                return "rbd";
            }

            public VolumeDevice connect(Map<String, Object> i, boolean ro, ConnectorContext c) {
                throw new UnsupportedOperationException();
            }
        };
        VolumeConnectors c = VolumeConnectors.create(List.of(rbd));
        assertThat(c.forProtocol("rbd", "")).isSameAs(rbd);
        assertThat(c.protocols()).containsExactly("local", "nfs", "rbd");
    }

    @Test
    void localUsesTheDevicePath(@TempDir Path tmp) throws Exception {
        Path dev = Files.createFile(tmp.resolve("dev"));
        try (VolumeDevice d = new LocalVolumeConnector().connect(Map.of("device_path", dev.toString()), true, ctx(tmp))) {
            assertThat(d.path()).isEqualTo(dev);
        }
        assertThatThrownBy(() -> new LocalVolumeConnector().connect(Map.of(), false, ctx(tmp)))
                .hasMessageContaining("no device_path");
        assertThatThrownBy(() -> new LocalVolumeConnector().connect(Map.of("device_path", "/nonexistent/x"), false,
                ctx(tmp))).hasMessageContaining("does not exist");
    }

    @Test
    void nfsRefusesEncryptedAndQcow2AndBadNames(@TempDir Path tmp) {
        NfsVolumeConnector nfs = new NfsVolumeConnector();
        assertThatThrownBy(() -> nfs.connect(Map.of("export", "h:/e", "name", "v", "encrypted", true), false, ctx(tmp)))
                .hasMessageContaining("encrypted");
        assertThatThrownBy(() -> nfs.connect(Map.of("export", "h:/e", "name", "v", "format", "qcow2"), false, ctx(tmp)))
                .hasMessageContaining("qcow2");
        assertThatThrownBy(() -> nfs.connect(Map.of("export", "h:/e", "name", "../x"), false, ctx(tmp)))
                .hasMessageContaining("not a file name");
    }

    @Test
    void nfsUsesCindersMountPointWhenItIsMounted() throws Exception {
        // the local Cinder bind-mounts its shares at <mount_point_base>/<md5(export)>, as os-brick would
        String export = "127.0.0.1:/var/lib/os-cinder-test/nfs/fast";
        String md5 = NfsVolumeConnector.hex("MD5", export);
        assertThat(md5).isEqualTo("258334260a81770b9067f6a02af39cdd");
        Path mp = Path.of("/var/lib/os-cinder-test/mnt", md5);
        if (MountTable.read().isMountPoint(mp)) {
            Path f = Files.createTempFile(mp, "volume-test-", "");
            try (VolumeDevice d = new NfsVolumeConnector().connect(Map.of("export", export, "name",
                    f.getFileName().toString(), "mount_point_base", "/var/lib/os-cinder-test/mnt"), true,
                    ctx(Path.of("/nonexistent")))) {
                assertThat(d.path()).isEqualTo(f);
            } finally {
                Files.delete(f);
            }
        }
    }

    @Test
    void mountInfoParsing() {
        MountTable t = MountTable.parse(List.of(
                "42 27 254:0 /var/lib/x /var/lib/os-cinder-test/mnt/2583 rw,relatime - ext4 /dev/vda rw",
                "50 27 0:51 / /mnt/with\\040space rw - nfs4 10.0.0.1:/export/images rw,vers=4.1"));
        assertThat(t.isMountPoint(Path.of("/var/lib/os-cinder-test/mnt/2583"))).isTrue();
        assertThat(t.nfsMountOf("10.0.0.1:/export/images")).isEqualTo(Path.of("/mnt/with space"));
        assertThat(t.nfsMountOf("10.0.0.1:/other")).isNull();
    }
}
