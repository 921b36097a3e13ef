package org.stowage.drivers.cinder.connector;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * os-brick's {@code local} protocol: {@code connection_info.device_path} is a device (or file)
 * already present on this host. Nothing to connect; a device this process may not read or write
 * is taken over through the root helper for the time it is connected ({@link DeviceAccess}).
 */
public final class LocalVolumeConnector implements VolumeConnector {
    @Override
    public String protocol() {
        return "local";
    }

    @Override
    public VolumeDevice connect(Map<String, Object> info, boolean readOnly, ConnectorContext ctx) throws IOException {
        Object dp = info.get("device_path");
        if (!(dp instanceof String) || ((String) dp).isBlank()) {
            throw StoreException.backend("store '" + ctx.storeId() + "': volume " + ctx.volumeId()
                    + ": local connection_info has no device_path (keys: " + info.keySet() + ")");
        }
        Path p = Path.of((String) dp);
        if (!Files.exists(p)) {
            throw StoreException.backend("store '" + ctx.storeId() + "': volume " + ctx.volumeId() + ": device path "
                    + p + " does not exist on this host");
        }
        DeviceAccess access = DeviceAccess.take(p, readOnly, ctx);
        return new VolumeDevice() {
            @Override
            public Path path() {
                return p;
            }

            @Override
            public void close() {
                access.close();
            }
        };
    }

    @Override
    public boolean supportsExtendAttached() {
        return true;
    }
}
