package org.stowage.drivers.cinder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stowage.drivers.cinder.internal.CinderClient;

/**
 * Volumes created straight in Cinder, behind every store's back (as an operator or another
 * service would), and removed again with their attachments. Use in try/finally.
 */
final class HandMadeVolumes implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RawCinder raw;
    private final CinderClient client = LocalCinder.client();
    private final List<String> made = new ArrayList<>();

    HandMadeVolumes() throws Exception {
        raw = new RawCinder();
    }

    /** A 1 GiB volume called {@code name} (unique: a 500 is checked by name), waited for until available. */
    String create(String name, String type, Map<String, String> metadata) throws Exception {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("size", 1);
        v.put("name", name);
        v.put("volume_type", type);
        v.put("metadata", metadata);
        String id = null;
        for (int attempt = 0; id == null; attempt++) {
            try {
                id = raw.call("POST", "/volumes", JSON.writeValueAsString(Map.of("volume", v))).path("volume")
                        .path("id").asText();
            } catch (IllegalStateException e) {
                // the local Cinder's SQLite answers 500 "database is locked" under load: did it create it anyway?
                List<CinderClient.Volume> found = client.findVolumesByName(name);
                if (!found.isEmpty()) {
                    id = found.get(0).id();
                } else if (!e.getMessage().contains("-> 500") || attempt >= 3) {
                    throw e;
                } else {
                    Thread.sleep(1000);
                }
            }
        }
        made.add(id);
        long deadline = System.currentTimeMillis() + 60_000;
        while (!"available".equals(client.getVolume(id).orElseThrow().status())) {
            assertThat(System.currentTimeMillis()).as("volume %s available", id).isLessThan(deadline);
            Thread.sleep(200);
        }
        return id;
    }

    /** The volume as Cinder has it, with its attachments: what a test compares before and after. */
    String snapshot(String id) {
        CinderClient.Volume v = client.getVolume(id).orElseThrow();
        return v.name() + " " + v.status() + " " + v.sizeGib() + " GiB " + v.volumeType() + " " + v.metadata()
                + " attachments " + client.attachmentsOf(id).size();
    }

    CinderClient client() {
        return client;
    }

    @Override
    public void close() throws Exception {
        try {
            for (String id : made) {
                if (client.getVolume(id).isEmpty()) {
                    continue;
                }
                for (CinderClient.Attachment a : client.attachmentsOf(id)) {
                    client.deleteAttachment(a.id());
                }
                client.deleteVolume(id);
            }
        } finally {
            client.close();
        }
    }
}
