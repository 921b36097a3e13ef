package org.stowage.reliability;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.stowage.testing.CinderApi;
import org.stowage.testing.ReliabilityRecorder;
import org.stowage.testing.LocalOpenStack;

/**
 * Plain REST calls to the local Keystone + Cinder as the glance user, behind the driver's back:
 * what is really left in Cinder (volumes, attachments) after a test. The Keystone token is
 * registered as a secret for the scan.
 */
final class CinderRest {
    static final String KEYSTONE = LocalOpenStack.KEYSTONE;
    private final CinderApi api;

    CinderRest() throws IOException, InterruptedException {
        api = new CinderApi();
        ReliabilityRecorder.secretUsed(api.token());
    }

    Config get(String path) throws IOException, InterruptedException {
        return ConfigFactory.parseString(api.call("GET", path, null));
    }

    /** Attachments (all projects) of any of these volumes, as "attachment <id> of volume <id> status <s>". */
    List<String> attachmentsOf(Set<String> volumeIds) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (Config a : get("/attachments/detail?all_tenants=1&limit=1000").getConfigList("attachments")) {
            String v = a.getString("volume_id");
            if (volumeIds.contains(v)) {
                out.add("attachment " + a.getString("id") + " of volume " + v + " status " + a.getString("status"));
            }
        }
        return out;
    }

    /** Volumes (all projects) named one of {@code names}: id -> "volume <id> <name> status <s>". */
    java.util.Map<String, String> volumesNamed(Set<String> names) throws IOException, InterruptedException {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        for (Config v : get("/volumes/detail?all_tenants=1&limit=1000").getConfigList("volumes")) {
            String name = v.hasPath("name") && !v.getIsNull("name") ? v.getString("name") : "";
            if (names.contains(name)) {
                out.put(v.getString("id"), "volume " + v.getString("id") + " " + name + " status " + v.getString("status"));
            }
        }
        return out;
    }

    /** Volumes (all projects) among these ids that still exist, as "volume <id> status <s>". */
    List<String> volumesAmong(Set<String> volumeIds) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (Config v : get("/volumes/detail?all_tenants=1&limit=1000").getConfigList("volumes")) {
            if (volumeIds.contains(v.getString("id"))) {
                out.add("volume " + v.getString("id") + " status " + v.getString("status"));
            }
        }
        return out;
    }
}
