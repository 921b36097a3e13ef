package org.stowage.core;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.stowage.core.config.InlineComments;
import org.stowage.core.layers.StoreLayers;
import org.stowage.spi.Capabilities;
import org.stowage.spi.Capability;
import org.stowage.spi.LocationCodec;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreStatus;

/**
 * A store's driver as the host calls it: every call runs with the driver's class loader as the
 * thread context class loader, and an {@link UncheckedIOException} out of it becomes a
 * {@link org.stowage.spi.ErrorKind#BACKEND} error naming the store. Its {@link StoreLayers} put the
 * store's limits, deadline, retries, metrics and log around the operations. Never handed out.
 */
final class BoundDriver {
    private final String storeId;
    private final StoreDriver driver;
    private final StoreLayers layers;

    BoundDriver(String storeId, StoreDriver driver, StoreLayers layers) {
        this.storeId = storeId;
        this.driver = driver;
        this.layers = layers;
    }

    /** The store's layers. */
    StoreLayers layers() {
        return layers;
    }

    /** A step of an add ({@link #call} under the store's deadline), described as {@code what} in a timeout. */
    <T> T step(String what, Supplier<T> call) {
        return layers.step(what, () -> call(call));
    }

    /** The driver, only for calls made through {@link #call} or {@link #run}. */
    StoreDriver driver() {
        return driver;
    }

    Capabilities capabilities() {
        return call(driver::capabilities);
    }

    LocationCodec locations() {
        return call(driver::locations);
    }

    StoreStatus status() {
        return call(driver::status);
    }

    /** The driver's reason why it does not write, as shown to users. */
    Optional<String> writeDisabledReason() {
        return call(() -> status().writeDisabledReason()).map(this::shown);
    }

    /** A driver's reason as shown: with the note on inline comments, without the store's name in front. */
    String shown(String reason) {
        return withoutStoreName(InlineComments.explain(reason));
    }

    /**
     * Refuses a read the driver cannot serve: a negative offset or length (other than -1 for the
     * rest), a range from a store without random reads, any read from one that cannot read.
     */
    void checkRead(String type, long offset, long length) {
        Capabilities caps = capabilities();
        if (offset < 0 || length < -1) {
            throw new IllegalArgumentException("offset must be >= 0 and length >= 0 (or -1 for the rest), got offset "
                    + offset + ", length " + length);
        }
        if ((offset > 0 && !caps.has(Capability.READ_OFFSET)) || (length >= 0 && !caps.has(Capability.READ_CHUNK))) {
            throw StoreException.storeRandomGetNotSupported("store '" + storeId + "' (" + type
                    + ") cannot read with an offset or length (offset " + offset + ", length " + length + ")");
        }
        if (!caps.has(Capability.READ_ACCESS)) {
            throw StoreException.storeGetNotSupported("store '" + storeId + "' (" + type + ") cannot read images");
        }
    }

    <T> T call(Supplier<T> call) {
        Thread t = Thread.currentThread();
        ClassLoader old = t.getContextClassLoader();
        t.setContextClassLoader(driver.getClass().getClassLoader());
        try {
            return call.get();
        } catch (UncheckedIOException e) {
            throw StoreException.backend("store '" + storeId + "': " + withoutStoreName(describe(e)), e);
        } finally {
            t.setContextClassLoader(old);
        }
    }

    void run(Runnable call) {
        call(() -> {
            call.run();
            return null;
        });
    }

    private String withoutStoreName(String reason) {
        for (String prefix : List.of("store '" + storeId + "': ", "store '" + storeId + "' ")) {
            if (reason.startsWith(prefix)) {
                return reason.substring(prefix.length());
            }
        }
        return reason;
    }

    /** The message of a driver's I/O failure, with its cause's only when it adds something. */
    private static String describe(UncheckedIOException e) {
        String m = e.getMessage();
        String cause = String.valueOf(e.getCause());
        String detail = e.getCause() == null ? null : e.getCause().getMessage();
        if (m == null || m.equals(cause)) {
            return cause;
        }
        return m.contains(cause) || detail != null && m.contains(detail) ? m : m + ": " + cause;
    }
}
