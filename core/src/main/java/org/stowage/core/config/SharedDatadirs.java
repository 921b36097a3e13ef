package org.stowage.core.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stowage.spi.Setting;

/**
 * Finds file stores that share a data directory: each would list, size and garbage-collect the
 * other's images as its own, so a mistake in one store's id silently crosses into the other.
 * Only a warning, since glance_store allows it.
 */
final class SharedDatadirs {
    private static final String DATADIR = "filesystem_store_datadir";
    private static final String DATADIRS = "filesystem_store_datadirs";

    private SharedDatadirs() {
    }

    /** One warning per directory configured for more than one file store. */
    static List<String> warnings(List<StowageConfig.StoreEntry> stores, Map<String, Map<String, Setting>> sections) {
        Map<Path, List<String>> users = new LinkedHashMap<>();
        Map<Path, String> origins = new LinkedHashMap<>();
        for (StowageConfig.StoreEntry e : stores) {
            if (!"file".equals(e.type())) {
                continue;
            }
            Map<String, Setting> sec = sections.getOrDefault(e.id(), Map.of());
            for (Setting s : List.of(sec.getOrDefault(DATADIR, Setting.of(DATADIR, "", "")),
                    sec.getOrDefault(DATADIRS, Setting.of(DATADIRS, "", "")))) {
                for (String v : s.values()) {
                    Path p = directory(s.name(), v);
                    if (p != null && !users.computeIfAbsent(p, k -> new ArrayList<>()).contains(e.id())) {
                        users.get(p).add(e.id());
                        origins.merge(p, s.origin(), (a, b) -> a + ", " + b);
                    }
                }
            }
        }
        List<String> out = new ArrayList<>();
        users.forEach((dir, ids) -> {
            if (ids.size() > 1) {
                out.add(origins.get(dir) + ": file stores " + String.join(", ", ids) + " share the data directory "
                        + dir + ": each would list and garbage-collect the other's images; give each store its own");
            }
        });
        return out;
    }

    /** The directory a datadir value names ({@code <path>:<priority>} for the multi-valued option), or null. */
    private static Path directory(String option, String value) {
        String v = value == null ? "" : value.trim();
        if (DATADIRS.equals(option) && v.matches(".*:\\s*\\d*")) {
            v = v.substring(0, v.lastIndexOf(':')).trim();
        }
        if (v.isEmpty()) {
            return null;
        }
        try {
            return Path.of(v).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return null; // the store itself reports the bad path
        }
    }
}
