package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.cli.StowageCli.Result;
import org.stowage.spi.ErrorKind;

/**
 * {@code bin/stowage locations upgrade} over a {@code GET /v2/images} document with a cinder store
 * whose Keystone refuses connections (a real closed port): the store's error is reported as such
 * for the image it left unresolved, the exit code is that error's, and the document comes back
 * with every field as it came and only the location that could be placed rewritten.
 */
class LocationsUpgradeReportIT {
    private static final String LEGACY_ID = "11111111-1111-4111-8111-111111111111";
    private static final String FILE_ID = "22222222-2222-4222-8222-222222222222";

    @Test
    void aStoreThatCannotBeAskedFailsTheRunNamingTheImageAndTheError(@TempDir Path tmp) throws Exception {
        Path home = StowageCli.unpack(tmp);
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Path datadir = tmp.resolve("fast");
        Path conf = tmp.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = fast:file, old:cinder\n[glance_store]\ndefault_backend = fast\n"
                + "[fast]\nfilesystem_store_datadir = " + datadir + "\n[old]\ncinder_volume_type = glance-slow\n"
                + "cinder_store_auth_address = http://127.0.0.1:" + closed + "/v3\ncinder_store_user_name = glance\n"
                + "cinder_store_password = glance\ncinder_store_project_name = service\n");
        String fileLocation = "{\"url\": \"file://" + datadir + "/" + FILE_ID + "\", \"metadata\": {}}";
        String json = "{\"images\": [{\"name\": \"legacy\", \"disk_format\": \"qcow2\", \"size\": 12345678901234, "
                + "\"id\": \"" + LEGACY_ID + "\", \"locations\": [{\"url\": \"cinder://3c2b3c0e-0000-4000-8000-000000000001\", "
                + "\"metadata\": {}}], \"x_ratio\": 0.5, \"tags\": []}, {\"id\": \"" + FILE_ID + "\", \"locations\": ["
                + fileLocation + "], \"checksum\": null, \"name\": \"\\u00e9t\\u00e9\"}], \"first\": \"/v2/images\", "
                + "\"schema\": \"/v2/schemas/images\"}";
        Path images = tmp.resolve("images.json");
        Files.writeString(images, json);

        Result r = StowageCli.run(home, null, "--config", conf.toString(), "locations", "upgrade", images.toString());

        Matcher error = Pattern.compile("(?m)^stowage: (\\w+): 1 location\\(s\\) left as they were").matcher(r.err());
        assertThat(error.find()).as(r.err()).isTrue();
        ErrorKind kind = Arrays.stream(ErrorKind.values()).filter(k -> k.glanceName().equals(error.group(1)))
                .findFirst().orElseThrow();
        assertThat(r.code()).as(r.err()).isNotIn(0, 1).isEqualTo(ExitCodes.of(kind));
        assertThat(r.err()).contains("unresolved: 1")
                .containsPattern("unresolved: image " + LEGACY_ID + " cinder://3c2b3c0e-0000-4000-8000-000000000001: "
                        + "store 'old' could not be asked whether it owns it: .*127\\.0\\.0\\.1:" + closed)
                .doesNotContain("no enabled cinder store owns it");
        assertThat(r.out().strip()).isEqualTo(json.replace(fileLocation,
                "{\"url\": \"file://" + datadir + "/" + FILE_ID + "\", \"metadata\": {\"store\": \"fast\"}}"));
    }
}
