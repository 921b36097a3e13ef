package org.stowage.drivers.file.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stowage.drivers.toolkit.Json;

/**
 * The {@code filesystem_store_metadata_file}: a JSON list of objects (or one object) each with a
 * string {@code id} and a string {@code mountpoint}; every value, at any depth, must be a string,
 * a list or an object (glance_store's {@code check_location_metadata}).
 */
public final class MetadataFile {
    private final List<Map<String, Object>> entries;

    private MetadataFile(List<Map<String, Object>> entries) {
        this.entries = entries;
    }

    /**
     * Reads and validates the file.
     *
     * @throws IllegalArgumentException with a message saying what is wrong and where
     */
    public static MetadataFile load(Path file) {
        BasicFileAttributes a;
        String text;
        try {
            // links are followed (the path is the operator's), but only a regular file is read: a FIFO
            // would block the read until a writer comes
            a = Files.readAttributes(file, BasicFileAttributes.class);
            text = a.isRegularFile() ? Files.readString(file, StandardCharsets.UTF_8) : null;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read metadata file " + file + ": " + e, e);
        }
        if (text == null) {
            throw new IllegalArgumentException("metadata file " + file + " is not a regular file (it is "
                    + ContainedFile.kind(a) + ")");
        }
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("metadata file " + file + " is not valid JSON: " + e.getMessage(), e);
        }
        List<Object> list;
        if (parsed instanceof Map) {
            list = List.of(parsed);
        } else if (parsed instanceof List) {
            @SuppressWarnings("unchecked")
            List<Object> l = (List<Object>) parsed;
            list = l;
        } else {
            throw new IllegalArgumentException("metadata file " + file
                    + " must hold a JSON object or a list of objects, not " + describe(parsed));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object o = list.get(i);
            if (!(o instanceof Map)) {
                throw new IllegalArgumentException("metadata file " + file + ": entry [" + i
                        + "] must be an object with string 'id' and 'mountpoint', not " + describe(o));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) o;
            for (String key : List.of("id", "mountpoint")) {
                if (!(m.get(key) instanceof String)) {
                    throw new IllegalArgumentException("metadata file " + file + ": entry [" + i + "] needs a string '"
                            + key + "', found " + (m.containsKey(key) ? describe(m.get(key)) : "none"));
                }
            }
            for (Map.Entry<String, Object> e : m.entrySet()) {
                checkValue(file, i, e.getKey(), e.getValue());
            }
            out.add(m);
        }
        return new MetadataFile(List.copyOf(out));
    }

    private static void checkValue(Path file, int entry, String key, Object v) {
        if (v instanceof String) {
            return;
        }
        if (v instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                checkValue(file, entry, String.valueOf(e.getKey()), e.getValue());
            }
            return;
        }
        if (v instanceof List) {
            List<?> l = (List<?>) v;
            for (int i = 0; i < l.size(); i++) {
                checkValue(file, entry, key + "[" + i + "]", l.get(i));
            }
            return;
        }
        throw new IllegalArgumentException("metadata file " + file + ": entry [" + entry + "] key '" + key
                + "' is " + describe(v) + "; location metadata values may only be strings, lists or objects");
    }

    private static String describe(Object o) {
        if (o == null) {
            return "null";
        }
        if (o instanceof String) {
            return "a string";
        }
        if (o instanceof Boolean) {
            return "a boolean (" + o + ")";
        }
        if (o instanceof Number) {
            return "a number (" + o + ")";
        }
        if (o instanceof List) {
            return "a list";
        }
        return "an object";
    }

    /** The entries, in file order. */
    public List<Map<String, Object>> entries() {
        return entries;
    }

    /**
     * A deep copy of the first entry whose {@code mountpoint} is a string prefix of {@code path}
     * (glance_store's plain prefix rule), or null.
     */
    public Map<String, Object> metadataFor(String path) {
        for (Map<String, Object> e : entries) {
            if (path.startsWith((String) e.get("mountpoint"))) {
                return deepCopy(e);
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static <T> T deepCopy(T v) {
        if (v instanceof Map) {
            Map<String, Object> m = new LinkedHashMap<>();
            ((Map<String, Object>) v).forEach((k, x) -> m.put(k, deepCopy(x)));
            return (T) m;
        }
        if (v instanceof List) {
            List<Object> l = new ArrayList<>();
            ((List<Object>) v).forEach(x -> l.add(deepCopy(x)));
            return (T) l;
        }
        return v;
    }
}
