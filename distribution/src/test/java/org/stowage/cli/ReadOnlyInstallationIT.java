package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.cli.StowageCli.Result;

/**
 * The installation is never written at run time: {@code add}, {@code get}, {@code stores} and
 * {@code health} on the embedded default configuration, through the real {@code bin/stowage} with its
 * start-up cache on, leave every file and directory of an unpacked distribution made read-only
 * ({@code chmod -R a-w}) exactly as it was: names, sizes, permissions and modification times, of
 * directories too (a file made and removed again changes its directory's time).
 *
 * <p>Run as root, the permission bits stop no write, so any write into the installation would
 * succeed and show in the listing. Run as an ordinary user (uid 65534 through {@code setpriv}), the
 * same commands must work on an installation that user cannot write at all.
 */
class ReadOnlyInstallationIT {
    private static final int NOBODY = 65534;
    private static final Duration LIMIT = Duration.ofSeconds(180);

    @TempDir
    Path tmp;
    private Path home;
    private Path image;

    @BeforeEach
    void readOnlyInstallation() throws Exception {
        home = StowageCli.unpack(tmp);
        exec("chmod", "-R", "a-w", home.toString());
        // the ordinary user must reach the installation and the image; the rest of tmp is private by default
        exec("chmod", "755", tmp.toString());
        byte[] data = new byte[300_000];
        new Random(12).nextBytes(data);
        image = Files.write(tmp.resolve("image.bin"), data);
    }

    @Test
    void asRootNothingInTheInstallationChanges() throws Exception {
        Path user = Files.createDirectories(tmp.resolve("root-home"));
        List<String> before = StowageCli.listing(home);
        useEveryCommand(user, List.of());
        assertThat(StowageCli.listing(home)).as("the installation after add, get, stores and health").isEqualTo(before);
    }

    @Test
    void anOrdinaryUserRunsEveryCommandOnAnInstallationItCannotWrite() throws Exception {
        Path user = Files.createDirectories(tmp.resolve("nobody-home"));
        exec("chown", NOBODY + ":" + NOBODY, user.toString());
        List<String> before = StowageCli.listing(home);
        useEveryCommand(user, List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        assertThat(StowageCli.listing(home)).as("the installation after add, get, stores and health").isEqualTo(before);
        assertThat(Files.getOwner(user.resolve("data/stowage/fast")).getName()).isEqualTo("nobody");
    }

    /**
     * Runs the commands as {@code prefix} (empty: this user) with {@code user} as home and XDG base
     * directories; asserts each works and the image lands in the user's data directory.
     */
    private void useEveryCommand(Path user, List<String> prefix) throws Exception {
        Result stores = run(user, prefix, "stores");
        assertThat(stores.code()).as(stores.err()).isZero();
        assertThat(stores.out()).contains("fast").contains("slow");

        Result add = run(user, prefix, "add", image.toString());
        assertThat(add.code()).as(add.err()).isZero();
        String location = (String) StowageCli.json(add.out()).get("location");
        assertThat(location).startsWith("file://" + user.resolve("data/stowage/fast").toRealPath() + "/");

        Result get = run(user, prefix, "get", location);
        assertThat(get.code()).as(get.err()).isZero();
        assertThat(get.out().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(Files.readAllBytes(image));

        Result health = run(user, prefix, "health");
        assertThat(health.code()).as("%s%s", health.out(), health.err()).isZero();
        assertThat(health.out()).contains("fast");
    }

    private Result run(Path user, List<String> prefix, String... args) throws Exception {
        ProcessBuilder pb = StowageCli.builder(home, user, Map.of(), args);
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(pb.command());
        pb.command(cmd);
        pb.environment().remove("STOWAGE_NO_CDS");
        pb.environment().put("HOME", user.toString());
        pb.environment().put("XDG_DATA_HOME", user.resolve("data").toString());
        pb.environment().put("XDG_CACHE_HOME", user.resolve("cache").toString());
        pb.environment().put("XDG_STATE_HOME", user.resolve("state").toString());
        return StowageCli.runWithin(LIMIT, pb);
    }

    private static void exec(String... cmd) throws Exception {
        Result r = StowageCli.runWithin(Duration.ofSeconds(60), new ProcessBuilder(cmd));
        assertThat(r.code()).as("%s: %s", String.join(" ", cmd), r.err()).isZero();
    }
}
