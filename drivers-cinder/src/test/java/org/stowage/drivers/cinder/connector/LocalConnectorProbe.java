package org.stowage.drivers.cinder.connector;

import org.stowage.spi.StoreException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * Run by {@link LocalVolumeConnectorAccessTest} in a child JVM as an unprivileged user: connects
 * a local device with {@link LocalVolumeConnector} as the cinder store does, writes (rw) or reads
 * (ro) it, and disconnects. Prints {@code OWNER-WHILE-CONNECTED <uid>} and {@code DATA <text>}
 * or {@code ERROR <exception class>: <message>}.
 *
 * <p>Arguments: device path, {@code rw} or {@code ro}, the text to write, the root helper
 * command ({@code -} for none).
 */
public final class LocalConnectorProbe {
    private LocalConnectorProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path device = Path.of(args[0]);
        boolean readOnly = "ro".equals(args[1]);
        List<String> helper = "-".equals(args[3]) ? List.of() : List.of(args[3]);
        try (VolumeDevice d = new LocalVolumeConnector().connect(Map.of("device_path", device.toString()), readOnly,
                context(helper))) {
            System.out.println("OWNER-WHILE-CONNECTED " + Files.getAttribute(d.path(), "unix:uid"));
            if (readOnly) {
                System.out.println("DATA " + Files.readString(d.path(), StandardCharsets.UTF_8).trim());
            } else {
                try (FileChannel ch = FileChannel.open(d.path(), StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(args[2].getBytes(StandardCharsets.UTF_8)), 0);
                }
                System.out.println("DATA written");
            }
        } catch (Exception e) {
            // a StoreException by its kind (BACKEND...), anything else by its class
            String what = e instanceof StoreException se ? se.kind().name() : e.getClass().getSimpleName();
            System.out.println("ERROR " + what + ": " + e.getMessage());
        }
    }

    private static ConnectorContext context(List<String> helper) {
        return new ConnectorContext() {
            @Override
            public String storeId() {
                return "local1";
            }

            @Override
            public String volumeId() {
                return "vol-1";
            }

            @Override
            public Path mountPointBase() {
                return Path.of("/nonexistent");
            }

            @Override
            public boolean useMultipath() {
                return false;
            }

            @Override
            public boolean enforceMultipath() {
                return false;
            }

            @Override
            public List<String> rootHelper() {
                return helper;
            }
        };
    }
}
