package org.example.stowage.cas;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.stowage.spi.StoreStatus;

/**
 * What {@code stowage stores --detail} shows of a cas store: why it cannot write (read-only, or a
 * root that could not be prepared), its root and depth, and how much deduplication saved.
 */
final class CasStatus implements StoreStatus {
    private final CasConfig config;
    private final String writeDisabled;
    private final AtomicLong adds = new AtomicLong();
    private final AtomicLong deduplicatedAdds = new AtomicLong();
    private final AtomicLong bytesDeduplicated = new AtomicLong();

    /** @param writeDisabled why the store cannot write, or {@code null} */
    CasStatus(CasConfig config, String writeDisabled) {
        this.config = config;
        this.writeDisabled = writeDisabled;
    }

    /** Counts a committed add of {@code size} bytes whose content was (or was not) already stored. */
    void added(long size, boolean deduplicated) {
        adds.incrementAndGet();
        if (deduplicated) {
            deduplicatedAdds.incrementAndGet();
            bytesDeduplicated.addAndGet(size);
        }
    }

    boolean writable() {
        return writeDisabled == null;
    }

    @Override
    public Optional<String> writeDisabledReason() {
        return Optional.ofNullable(writeDisabled);
    }

    @Override
    public Map<String, Object> properties() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("root", config.root().toString());
        m.put("shard_depth", String.valueOf(config.shardDepth()));
        m.put("read_only", String.valueOf(!writable()));
        return m;
    }

    @Override
    public Map<String, Long> statistics() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("adds", adds.get());
        m.put("deduplicated_adds", deduplicatedAdds.get());
        m.put("bytes_deduplicated", bytesDeduplicated.get());
        return m;
    }
}
