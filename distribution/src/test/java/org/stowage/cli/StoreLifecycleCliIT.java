package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.testing.Nginx;
import org.stowage.testing.PrintedJson;

/**
 * {@code stowage images list} and {@code stowage copy}, whole-process through {@code bin/stowage}
 * with the installation's plugins: two file stores and an http store on a real nginx. The
 * listing as a table, as JSON and into a pipe closed early; copies between file stores and from
 * http, checked with md5sum; refusals with their exit codes, leaving the target as it was.
 */
class StoreLifecycleCliIT {
    static Nginx nginx;
    static Path home;
    static Path tmp;
    static Path conf;
    static Path fast;
    static Path slow;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        home = StowageCli.unpack(dir);
        nginx = Nginx.start();
        fast = dir.resolve("fast");
        slow = dir.resolve("slow");
        conf = dir.resolve("lifecycle.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = fast:file, slow:file, web:http\n[glance_store]\n"
                + "default_backend = fast\n[fast]\nfilesystem_store_datadir = " + fast + "\n"
                + "[slow]\nfilesystem_store_datadir = " + slow + "\n"
                + "[web]\nhttps_ca_certificates_file = " + nginx.caFile + "\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + dir.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + dir.resolve("tasks") + "\n");
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
    }

    private static StowageCli.Result stowage(String... args) throws Exception {
        String[] all = Stream.concat(Stream.of("--config", conf.toString()), Stream.of(args)).toArray(String[]::new);
        return StowageCli.run(home, null, all);
    }

    private static List<String> names(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Every file under {@code dir} with its size, mode and time (not the directory's own time, which an aborted add changes). */
    private static List<String> files(Path dir) throws Exception {
        return StowageCli.listing(dir).stream().filter(l -> !l.startsWith(" d ")).toList();
    }

    @Test
    void copyBetweenFileStoresAndFromHttpAndTheRefusals() throws Exception {
        byte[] data = new byte[(2 << 20) + 99];
        new Random(8).nextBytes(data);
        Path image = Files.write(tmp.resolve("image.raw"), data);
        StowageCli.Result add = stowage("add", image.toString());
        assertThat(add.code()).as(add.err()).isZero();
        String from = StowageCli.json(add.out()).get("location").toString();
        String id = from.substring(from.lastIndexOf('/') + 1);
        String md5 = StowageCli.tool("md5sum", image);

        StowageCli.Result copy = stowage("copy", from, "--to", "slow", "--checksum", md5);
        assertThat(copy.code()).as(copy.err()).isZero();
        Map<String, Object> copied = StowageCli.json(copy.out());
        assertThat(copied).containsEntry("location", "file://" + slow.resolve(id)).containsEntry("checksum", md5)
                .containsEntry("multihash", StowageCli.tool("sha512sum", image));
        assertThat(StowageCli.tool("md5sum", slow.resolve(id))).isEqualTo(md5);

        String url = nginx.https("/img.bin");
        StowageCli.Result noId = stowage("copy", url, "--to", "slow");
        assertThat(noId.code()).isEqualTo(2);
        assertThat(noId.err()).startsWith("stowage: usage: the image id of " + url + " is unknown: store 'web' (http)")
                .contains("--image-id");
        String webId = UUID.randomUUID().toString();
        StowageCli.Result fromWeb = stowage("copy", url, "--to", "slow", "--image-id", webId);
        assertThat(fromWeb.code()).as(fromWeb.err()).isZero();
        assertThat(slow.resolve(webId)).hasBinaryContent(Nginx.IMAGE);

        List<String> before = files(slow);
        StowageCli.Result wrong = stowage("copy", from, "--to", "slow", "--image-id", UUID.randomUUID().toString(),
                "--checksum", "0123456789abcdef0123456789abcdef");
        assertThat(wrong.code()).isEqualTo(13);
        assertThat(wrong.err()).startsWith("stowage: BackendException: store 'slow'").contains("its md5 is " + md5);
        assertThat(stowage("copy", from, "--to", "slow").code()).as("the id is in slow already").isEqualTo(4);
        assertThat(stowage("copy", from, "--to", "fast").code()).as("the source's own store").isEqualTo(4);
        assertThat(stowage("copy", from, "--to", "web", "--image-id", webId).code()).isEqualTo(7);
        assertThat(files(slow)).as("refused copies left slow's files as they were").isEqualTo(before);
        assertThat(StowageCli.tool("md5sum", fast.resolve(id))).isEqualTo(md5);
    }

    @Test
    void aSignalStopsACopyAndLeavesNothingInTheTarget() throws Exception {
        String id = UUID.randomUUID().toString();
        Path big = Files.createDirectories(fast).resolve(id);
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(2L << 30); // sparse: hashing it takes seconds, the signal comes as soon as the copy writes
        }
        Path err = tmp.resolve("signal.err");
        Process copy = StowageCli.builder(home, "--config", conf.toString(), "copy", "file://" + big, "--to", "slow")
                .redirectOutput(tmp.resolve("signal.out").toFile()).redirectError(err.toFile()).start();
        try {
            copy.getOutputStream().close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (names(slow).stream().noneMatch(n -> n.startsWith("." + id + ".stowage-partial-"))) {
                assertThat(copy.isAlive()).as("the copy runs until it is signalled; stderr: %s", Files.readString(err)).isTrue();
                assertThat(System.nanoTime()).as("the copy started writing within 90 s").isLessThan(deadline);
                Thread.sleep(10);
            }
            StowageCli.signal(copy, "TERM");
            assertThat(copy.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(copy.exitValue()).as(Files.readString(err)).isEqualTo(ExitCodes.SIGTERM);
            assertThat(Files.readString(err)).contains("stowage: interrupted").doesNotContain("Exception");
            assertThat(Files.readString(tmp.resolve("signal.out"))).isEmpty();
            assertThat(names(slow)).noneMatch(n -> n.contains(id));
            assertThat(Files.size(big)).as("the source is as it was").isEqualTo(2L << 30);
        } finally {
            copy.destroyForcibly();
            Files.delete(big);
        }
    }

    @Test
    void imagesListAsATableAsJsonAndIntoAPipeClosedEarly() throws Exception {
        Path many = Files.createDirectories(tmp.resolve("many"));
        Path manyConf = tmp.resolve("many.conf");
        Files.writeString(manyConf, Files.readString(conf).replace("enabled_backends = fast:file,",
                "enabled_backends = many:file, fast:file,") + "[many]\nfilesystem_store_datadir = " + many + "\n");
        for (int i = 0; i < 1500; i++) {
            Files.write(many.resolve(UUID.randomUUID().toString()), new byte[i % 7]);
        }
        StowageCli.Result table = StowageCli.run(home, null, "--config", manyConf.toString(), "images", "list",
                "--store", "many");
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out().lines()).hasSize(1501).first().asString().startsWith("ID ");
        StowageCli.Result json = StowageCli.run(home, null, "--config", manyConf.toString(), "images", "list",
                "--store", "many", "--json", "--limit", "120");
        assertThat(json.code()).as(json.err()).isZero();
        assertThat(PrintedJson.array(json.out())).hasSize(120);
        assertThat(json.err()).contains("listed the first 120 images of store 'many'; it holds more");

        Path err = tmp.resolve("head.err");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -o pipefail; '" + home.resolve("bin/stowage")
                + "' --config '" + manyConf + "' images list --store many 2>'" + err + "' | head -n 2 >/dev/null");
        pb.environment().put("STOWAGE_NO_CDS", "1");
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(141);
        assertThat(Files.readString(err)).isEmpty();

        StowageCli.Result web = stowage("images", "list", "--store", "web");
        assertThat(web.code()).isEqualTo(9);
        assertThat(web.err()).isEqualTo("stowage: StoreGetNotSupported: store 'web' (http) cannot list its images: its "
                + "driver keeps no inventory\n");
        assertThat(names(tmp.resolve("staging"))).isEmpty();
    }
}
