package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.testing.ReliabilityRecorder;

/**
 * {@code kill -9} of a {@code stowage add} to a cinder store in the middle of the write, whole
 * process: {@code bin/stowage add -} reads a slowly fed stdin; once its volume exists and is
 * attached, the process is killed with SIGKILL (nothing of the driver's clean-up runs). The
 * volume is left {@code stowage_status=in-progress} with its attachment; {@code stowage gc
 * --older-than 0s} removes both, and nothing of the image is left.
 */
class CinderCrashIT {
    static Path dist;

    @BeforeAll
    static void setUp() {
        dist = Path.of(System.getProperty("stowage.dist", "target/stowage"));
        assertThat(dist.resolve("bin/stowage")).isExecutable();
        CinderUpgradeIT.Cinder.require();
    }

    /** One scenario on a store of a volume type of its own; {@code started[0]} is killed afterwards if still running. */
    interface Scenario {
        void run(CinderUpgradeIT.Cinder cinder, String type, Process[] started) throws Exception;
    }

    @SuppressWarnings("unchecked")
    static void onPrivateType(Scenario scenario) throws Exception {
        CinderUpgradeIT.dist = dist;
        CinderUpgradeIT.Cinder cinder = new CinderUpgradeIT.Cinder();
        // store "new" on a volume type of this run only (glance-slow's backend): `gc --older-than 0s` removes every
        // in-progress volume of its store, and must not touch adds that other tests run on the shared Cinder meanwhile
        String type = "stowage-crash-" + UUID.randomUUID().toString().substring(0, 8);
        String typeId = (String) ((Map<String, Object>) cinder.call("POST", "/types", "{\"volume_type\": {\"name\": \""
                + type + "\", \"extra_specs\": {\"volume_backend_name\": \"glance-slow\"}}}").get("volume_type")).get("id");
        Process[] started = new Process[1];
        try {
            scenario.run(cinder, type, started);
        } finally {
            if (started[0] != null) {
                started[0].destroyForcibly();
            }
            cinder.call("DELETE", "/types/" + typeId, null);
        }
    }

    @Test
    void killDashNineMidWriteThenGcLeavesNothing(@TempDir Path tmp) throws Exception {
        onPrivateType((cinder, type, started) -> crashAndGc(tmp, cinder, type, started));
    }

    /**
     * SIGTERM while the add writes into its attached volume: the add is aborted, the driver
     * detaches and deletes the volume, and the process exits 143 with no location printed.
     */
    @Test
    void sigtermMidWriteRollsTheVolumeBack(@TempDir Path tmp) throws Exception {
        onPrivateType((cinder, type, started) -> {
            Path conf = privateConf(tmp, type);
            String imageId = UUID.randomUUID().toString();
            Process add = slowAdd(tmp, conf, imageId);
            started[0] = add;
            String volumeId = awaitAttachedVolume(cinder, imageId, add, tmp);
            try {
                Thread.sleep(500); // some bytes written
                StowageCli.signal(add, "TERM");
                assertThat(add.waitFor(90, TimeUnit.SECONDS)).isTrue();
                String err = Files.readString(tmp.resolve("add.err"));
                assertThat(add.exitValue()).as("stdout %s, stderr %s", Files.readString(tmp.resolve("add.out")), err)
                        .isEqualTo(ExitCodes.SIGTERM);
                assertThat(Files.readString(tmp.resolve("add.out"))).isEmpty();
                assertThat(err).contains("stowage: interrupted");
                cinder.awaitGone(volumeId);
                assertThat(cinder.imageVolumes(List.of(imageId))).as("volumes and attachments of the image").isEmpty();
            } finally {
                cinder.deleteVolumeAndAttachments(volumeId);
                cinder.awaitGone(volumeId);
            }
        });
    }

    static Path privateConf(Path tmp, String type) throws IOException {
        Path conf = CinderUpgradeIT.conf(tmp, "after.conf");
        Files.writeString(conf, Files.readString(conf).replace("cinder_volume_type = glance-slow",
                "cinder_volume_type = " + type));
        return conf;
    }

    /** {@code stowage add --store new -} with stdin fed slowly (64 KiB every 50 ms) until the process ends. */
    static Process slowAdd(Path tmp, Path conf, String imageId) throws IOException {
        ProcessBuilder pb = StowageCli.builder(dist, "--config", conf.toString(), "add", "--store", "new",
                "--image-id", imageId, "-");
        pb.redirectOutput(tmp.resolve("add.out").toFile()).redirectError(tmp.resolve("add.err").toFile());
        Process add = pb.start();
        StowageCli.feedSlowly(add, -1, 50);
        return add;
    }

    /** Waits until the volume image-<id> exists and is attached (the driver is writing); returns its id. */
    @SuppressWarnings("unchecked")
    static String awaitAttachedVolume(CinderUpgradeIT.Cinder cinder, String imageId, Process add, Path tmp)
            throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < deadline) {
            Map<String, Object> page = cinder.call("GET", "/volumes/detail?name=image-" + imageId, null);
            List<Map<String, Object>> vs = (List<Map<String, Object>>) page.get("volumes");
            if (!vs.isEmpty() && "in-use".equals(vs.get(0).get("status"))) {
                return (String) vs.get(0).get("id");
            }
            assertThat(add.isAlive()).as("stowage add died early: %s", Files.readString(tmp.resolve("add.err"))).isTrue();
            Thread.sleep(200);
        }
        throw new AssertionError("volume image-" + imageId + " not attached within 90 s");
    }

    @SuppressWarnings("unchecked")
    void crashAndGc(Path tmp, CinderUpgradeIT.Cinder cinder, String type, Process[] started) throws Exception {
        Path conf = privateConf(tmp, type);
        String imageId = UUID.randomUUID().toString();
        Process add = slowAdd(tmp, conf, imageId);
        started[0] = add;
        String volumeId = awaitAttachedVolume(cinder, imageId, add, tmp);
        Thread.sleep(500); // some bytes written
        ProcessHandle java = add.toHandle();
        add.destroyForcibly(); // SIGKILL (bin/stowage execs java: this is the JVM)
        assertThat(add.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(add.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        assertThat(java.isAlive()).isFalse();

        try {
            // what the crash left: the in-progress volume and its attachment
            Map<String, Object> v = cinder.volume(volumeId);
            assertThat(((Map<String, Object>) v.get("metadata")).get("stowage_status")).isEqualTo("in-progress");
            List<String> afterCrash = cinder.imageVolumes(List.of(imageId));
            assertThat(afterCrash).anyMatch(l -> l.startsWith("volume")).anyMatch(l -> l.startsWith("attachment"));

            // the sweeper: dry run lists it, gc removes it
            StowageCli.Result dry = CinderUpgradeIT.run(null, "--config", conf.toString(), "gc", "--older-than",
                    "0s", "--store", "new", "--dry-run", "-f", "value", "-c", "status", "-c", "leftover");
            assertThat(dry.code()).as(dry.err()).isZero();
            assertThat(dry.out()).contains(volumeId).contains("would remove").contains("attachments:");
            StowageCli.Result gc = CinderUpgradeIT.run(null, "--config", conf.toString(), "gc", "--older-than",
                    "0s", "--store", "new", "-f", "value", "-c", "status", "-c", "leftover");
            assertThat(gc.code()).as(gc.out() + gc.err()).isZero();
            assertThat(gc.out()).contains("removed in-progress volume " + volumeId);
            List<String> afterGc = cinder.imageVolumes(List.of(imageId));
            assertThat(afterGc).as("left after gc").isEmpty();
            assertThat(cinder.volume(volumeId)).isNull();

            ReliabilityRecorder.fault("cinder", "kill -9 of `stowage add` mid-write",
                    "whole process: bin/stowage add --store new - (stdin fed 64 KiB / 50 ms), SIGKILL once the volume "
                            + "is attached; then stowage gc --older-than 0s",
                    "the process died (exit 137); the volume stayed stowage_status=in-progress, attached",
                    afterCrash, afterGc);
        } finally {
            cinder.deleteVolumeAndAttachments(volumeId);
            cinder.awaitGone(volumeId);
        }
    }
}
