package org.stowage.drivers.file;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.stowage.drivers.file.FileStoreConfig.Datadir;
import org.stowage.spi.StoreHealth;
import org.stowage.spi.StoreStatus;

/** Whether the file store may write, how its directories are doing, and what {@code stores --detail} shows. */
final class FileStatus implements StoreStatus {
    private final FileStoreConfig config;
    private final DataDirs dirs;
    private final String writeDisabledReason;
    /** What stopped the write side at creation, without the store's name; null if nothing. */
    private final String writeSetupProblem;
    private final BooleanSupplier closed;

    FileStatus(FileStoreConfig config, DataDirs dirs, String writeSetupProblem, BooleanSupplier closed) {
        this.config = config;
        this.dirs = dirs;
        this.writeSetupProblem = writeSetupProblem;
        this.writeDisabledReason = writeSetupProblem == null ? null
                : "store '" + config.storeId() + "' " + writeSetupProblem;
        this.closed = closed;
    }

    @Override
    public Optional<String> writeDisabledReason() {
        return Optional.ofNullable(writeDisabledReason);
    }

    /**
     * Checks the directories and the metadata file as they are now, without opening anything:
     * {@code unavailable} when no data directory can be read (missing after the store was created,
     * not a directory, not searchable); {@code degraded} when only some can, when the store was
     * made read-only at creation (with that reason), or when a writable store can no longer write
     * to a directory (or create a missing one) or read its metadata file.
     */
    @Override
    public StoreHealth health(Duration timeout) {
        if (closed.getAsBoolean()) {
            return StoreHealth.unavailable("store '" + config.storeId() + "' is closed");
        }
        List<String> unreadable = new ArrayList<>();
        List<String> degraded = new ArrayList<>();
        for (Datadir d : config.datadirs()) {
            dirs.readProblem(d.path()).ifPresent(unreadable::add);
            if (writeSetupProblem == null) {
                dirs.writeProblem(d.path()).ifPresent(degraded::add);
            }
        }
        if (unreadable.size() == config.datadirs().size()) {
            return StoreHealth.unavailable(String.join("; ", unreadable));
        }
        if (writeSetupProblem != null) {
            degraded.add(0, "read-only: " + writeSetupProblem);
        } else {
            metadataProblem().ifPresent(degraded::add);
        }
        unreadable.addAll(degraded);
        return unreadable.isEmpty() ? StoreHealth.ok() : StoreHealth.degraded(String.join("; ", unreadable));
    }

    /** Why the metadata file, read at creation, could not be read again now. */
    private Optional<String> metadataProblem() {
        Optional<Path> file = config.metadataFile();
        if (file.isEmpty() || Files.isRegularFile(file.get()) && Files.isReadable(file.get())) {
            return Optional.empty();
        }
        return Optional.of("option " + FileOptions.METADATA_FILE.name() + ": " + file.get()
                + " is no longer a readable file (adds use the copy read at start; the next start disables writes)");
    }

    @Override
    public Map<String, Object> properties() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<String> paths = config.datadirs().stream().map(d -> d.path().toString()).toList();
        m.put("data_dir", config.multipleDatadirs() ? paths : paths.get(0));
        m.put("chunk_size", config.chunkSize());
        m.put("thin_provisioning", config.thinProvisioning());
        List<String> notes = new ArrayList<>();
        for (Datadir d : config.datadirs()) {
            if (!Files.isDirectory(d.path())) {
                notes.add("datadir " + d.path() + " does not exist" + (dirs.pending(d.path()) && writeDisabledReason
                        == null ? " yet; it is created on the first add" : ""));
            }
        }
        if (!notes.isEmpty()) {
            m.put("data_dir_note", String.join("; ", notes));
        }
        return m;
    }
}
