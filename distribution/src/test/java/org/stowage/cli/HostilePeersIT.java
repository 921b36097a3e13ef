package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.spi.ErrorKind;
import org.stowage.testing.HostilePeer;
import org.stowage.testing.HostilePeer.Behaviour;

/**
 * Every command that talks to a remote server, run as a whole process against servers that
 * accept and then misbehave in each way of {@link Behaviour}: the web server of an http store,
 * the Keystone of a cinder store, the Cinder of a cinder store behind the real local
 * Keystone, and the real Cinder behind a proxy that spoils only the answer to a volume create
 * (the volume is made; the add must not leave it behind). With small deadlines configured, each command must end within its deadline plus a
 * margin, with one error line of the kind the README's table gives (naming the server, and for
 * a deadline what was awaited and the option that sets it), or with the store shown as
 * unreachable by the commands that report on stores; and nothing may be left behind: no
 * {@code get -o} output or temporary file, nothing in the file stores' directories, no volume in
 * the real Cinder.
 *
 * <p>All cases run before the checks, a few at a time (each is a process that mostly waits);
 * {@code -Dhostile.only=REGEX} runs only the cases whose name matches ({@code "KEYSTONE SILENT"}),
 * {@code -Dhostile.parallel=N} sets how many run at once. The margin allows for a JVM start-up on a
 * busy machine, not for one whose cores are all taken by other work.
 */
class HostilePeersIT {
    /** The deadline options each command runs with: the one place that names them. */
    static final class Deadlines {
        /** The deadline of one remote call (connect, head, body) in the stores under test. */
        static final int CALL_SECONDS = 3;
        /**
         * The per-store timeout of the commands that check stores: longer than a token request and one
         * call together, so that a store whose call ran into its own deadline says which server kept it
         * waiting, even when the real Keystone in front of a hostile Cinder takes a second or two for a
         * token on a busy machine.
         */
        static final int CHECK_SECONDS = 6;
        /** The longest deadline configured: every command must end within it plus {@link #MARGIN}. */
        static final int SECONDS = Math.max(CALL_SECONDS, CHECK_SECONDS);
        /** JVM start-up on a busy 2-core machine, and clean-up; the old behaviour blew this by minutes. */
        static final Duration MARGIN = Duration.ofSeconds(8);
        static final Map<String, String> HTTP = Map.of(
                "http_connect_timeout", "2",
                "http_read_timeout", "2",
                "http_response_timeout", String.valueOf(CALL_SECONDS));
        static final Map<String, String> CINDER = Map.of(
                "cinder_request_timeout", String.valueOf(CALL_SECONDS),
                "cinder_state_transition_timeout", String.valueOf(CALL_SECONDS));
        /** The commands that check stores, each with its per-store timeout. */
        static final List<String> HEALTH = List.of("health", "--timeout", String.valueOf(CHECK_SECONDS));
        static final List<String> STORES_DETAIL = List.of("stores", "--detail", "--timeout", String.valueOf(CHECK_SECONDS));
        static final List<String> CONFIG_CHECK = List.of("config", "check", "--timeout", String.valueOf(CHECK_SECONDS));
        /** The exit code of {@code stowage health} when a store is not ok (sysexits EX_UNAVAILABLE). */
        static final int UNHEALTHY = 69;

        private Deadlines() {
        }

        /**
         * An add whose volume create was answered badly may find the volume it created and finish the
         * add (wait for it, attach, write, detach on the real Cinder, each step within its own deadline):
         * that much longer than a command that only fails.
         */
        static final Duration RECOVERED_ADD = Duration.ofSeconds(4 * CALL_SECONDS);

        static Duration limit() {
            return Duration.ofSeconds(SECONDS).plus(MARGIN);
        }

        static Duration limit(Case c) {
            return c.peer() == Peer.CINDER_CREATE ? limit().plus(RECOVERED_ADD) : limit();
        }

        static String lines(Map<String, String> options) {
            StringBuilder b = new StringBuilder();
            options.forEach((k, v) -> b.append(k).append(" = ").append(v).append('\n'));
            return b.toString();
        }
    }

    /** Which remote server of a store misbehaves. */
    enum Peer {
        /** The web server an http store's location points at. */
        HTTP("web", Deadlines.HTTP),
        /** The Keystone of a cinder store ({@code cinder_store_auth_address}). */
        KEYSTONE("c", Deadlines.CINDER),
        /** The Cinder of a cinder store ({@code cinder_endpoint_template}), its Keystone the real one. */
        CINDER("c", Deadlines.CINDER),
        /**
         * The real Cinder through a proxy that carries out every request but answers a volume create
         * badly: the volume exists, and the add must remove it although it never learnt its id.
         */
        CINDER_CREATE("c", Deadlines.CINDER);

        final String store;
        final Map<String, String> deadlines;

        Peer(String store, Map<String, String> deadlines) {
            this.store = store;
            this.deadlines = deadlines;
        }

        List<Command> commands() {
            return switch (this) {
                case HTTP -> List.of(Command.GET, Command.SIZE, Command.GET_TO_FILE, Command.HEALTH);
                case KEYSTONE, CINDER -> List.of(Command.STORES, Command.STORES_DETAIL, Command.HEALTH,
                        Command.CONFIG_CHECK, Command.ADD, Command.GET, Command.SIZE, Command.DELETE, Command.GC);
                case CINDER_CREATE -> List.of(Command.ADD);
            };
        }

        /** The misbehaving server, or null where the behaviour does not apply (a proxy cannot refuse). */
        HostilePeer start(Behaviour b) throws IOException {
            if (this != CINDER_CREATE) {
                return HostilePeer.start(b);
            }
            return b == Behaviour.REFUSED ? null
                    : HostilePeer.inFrontOf(REAL_CINDER, b, line -> line.matches("POST /v3/[^/ ]+/volumes HTTP/1.1"));
        }
    }

    /** The misbehaviours that keep a client waiting or cut it off, each tried against every peer. */
    static final List<Behaviour> BEHAVIOURS = List.of(Behaviour.SILENT, Behaviour.HEAD_TRICKLE,
            Behaviour.CONTINUE_THEN_SILENT, Behaviour.BODY_STALL, Behaviour.CLOSE_MID_HEAD, Behaviour.ENDLESS_TRAILERS,
            Behaviour.REFUSED);

    /** The commands, each against the peer's store. */
    enum Command { STORES, STORES_DETAIL, HEALTH, CONFIG_CHECK, ADD, GET, GET_TO_FILE, SIZE, DELETE, GC }

    /** One run: a command against a store whose peer behaves so; {@code dir} holds its config and data. */
    record Case(Peer peer, Behaviour behaviour, Command command, Path dir, String imageId) {
        String name() {
            return peer + " " + behaviour + ": " + command;
        }
    }

    /** What a case did: its result, how long it took, or why it has none (it was killed). */
    record Outcome(Case c, HostilePeer server, StowageCli.Result result, Duration elapsed, AssertionError failure) {
    }

    private static final Pattern STACK_TRACE = Pattern.compile("(?m)^\\s+at [\\w.$]+\\(|Exception in thread|Caused by:");
    private static final Pattern WHAT_WAS_AWAITED = Pattern.compile(
            "(?i)connect|handshake|head|body|trailer|chunk|interim|status");
    static final String REAL_CINDER = "127.0.0.1:8776";
    static Path home;
    static Path tmp;
    static final List<HostilePeer> PEERS = new ArrayList<>();
    static final Map<String, Outcome> OUTCOMES = new LinkedHashMap<>();
    static List<String> volumesBefore;

    @BeforeAll
    static void runEveryCase(@TempDir Path dir) throws Exception {
        tmp = dir;
        home = StowageCli.unpack(tmp);
        CinderUpgradeIT.Cinder.require();
        warmUp();
        List<Case> cases = new ArrayList<>();
        Map<Case, HostilePeer> servers = new LinkedHashMap<>();
        for (Peer peer : Peer.values()) {
            for (Behaviour b : BEHAVIOURS) {
                HostilePeer server = peer.start(b);
                if (server == null) {
                    continue;
                }
                PEERS.add(server);
                for (Command cmd : peer.commands()) {
                    Case c = new Case(peer, b, cmd, tmp.resolve("case-" + cases.size()), UUID.randomUUID().toString());
                    if (Pattern.compile(System.getProperty("hostile.only", ".*")).matcher(c.name()).find()) {
                        cases.add(c);
                        servers.put(c, server);
                    }
                }
            }
        }
        volumesBefore = ourVolumes(cases);
        // One process per core and one more: the cases mostly wait, but each start-up takes a core
        // for a second, and a start-up starved of CPU counts against its case's deadline.
        int parallel = Runtime.getRuntime().availableProcessors() + 1;
        ExecutorService pool = Executors.newFixedThreadPool(Integer.getInteger("hostile.parallel", parallel));
        try {
            List<Future<Outcome>> running = new ArrayList<>();
            for (Case c : cases) {
                running.add(pool.submit(() -> run(c, servers.get(c))));
            }
            for (Future<Outcome> f : running) {
                Outcome o = f.get();
                OUTCOMES.put(o.c().name(), o);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The first run trains the start-up cache (several seconds): not part of any case's time. */
    private static void warmUp() throws Exception {
        StowageCli.Result r = StowageCli.runWithin(Duration.ofSeconds(120), builder(tmp, "drivers"));
        assertThat(r.code()).as(r.err()).isZero();
    }

    @AfterAll
    static void stopPeers() throws IOException {
        for (HostilePeer p : PEERS) {
            p.close();
        }
    }

    private static ProcessBuilder builder(Path cwd, String... args) {
        ProcessBuilder pb = StowageCli.builder(home, cwd, Map.of("XDG_CACHE_HOME", tmp.resolve("cache").toString()), args);
        // The start-up cache and the client compiler alone halve the CPU of a short run: ~160 JVMs
        // share a busy 2-core machine, and their start-up counts against every deadline.
        pb.environment().remove("STOWAGE_NO_CDS");
        pb.environment().put("STOWAGE_OPTS", "-XX:TieredStopAtLevel=1");
        return pb;
    }

    private static Outcome run(Case c, HostilePeer server) throws Exception {
        Files.createDirectories(c.dir().resolve("out"));
        Path conf = writeConfig(c, server);
        List<String> args = new ArrayList<>(List.of("--config", conf.toString()));
        args.addAll(arguments(c, server));
        long start = System.nanoTime();
        try {
            StowageCli.Result r = StowageCli.runWithin(Deadlines.limit(c), builder(c.dir(), args.toArray(String[]::new)));
            return new Outcome(c, server, r, Duration.ofNanos(System.nanoTime() - start), null);
        } catch (AssertionError e) {
            return new Outcome(c, server, null, Duration.ofNanos(System.nanoTime() - start),
                    new AssertionError(c.name() + ": " + e.getMessage(), e));
        }
    }

    private static List<String> arguments(Case c, HostilePeer server) throws IOException {
        String location = c.peer() == Peer.HTTP ? "http://" + server.hostPort() + "/image.raw"
                : "cinder://c/" + UUID.nameUUIDFromBytes(c.imageId().getBytes());
        return switch (c.command()) {
            case STORES -> List.of("stores");
            case STORES_DETAIL -> Deadlines.STORES_DETAIL;
            case HEALTH -> Deadlines.HEALTH;
            case CONFIG_CHECK -> Deadlines.CONFIG_CHECK;
            case ADD -> List.of("add", "--store", c.peer().store, "--image-id", c.imageId(), input(c).toString());
            case GET -> List.of("get", location);
            case GET_TO_FILE -> List.of("get", location, "-o", c.dir().resolve("out/image.raw").toString());
            case SIZE -> List.of("size", location);
            case DELETE -> List.of("delete", location);
            case GC -> List.of("gc", "--store", c.peer().store);
        };
    }

    private static Path input(Case c) throws IOException {
        Path f = c.dir().resolve("input.bin");
        Files.write(f, new byte[64 * 1024]);
        return f;
    }

    /** A file store {@code local} (the default) and the store under test, every directory inside the case's. */
    private static Path writeConfig(Case c, HostilePeer server) throws IOException {
        String store = c.peer() == Peer.HTTP ? "web:http" : "c:cinder";
        String text = "[DEFAULT]\nenabled_backends = local:file, " + store + "\n[glance_store]\ndefault_backend = local\n"
                + "[local]\nfilesystem_store_datadir = " + c.dir().resolve("images") + "\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + c.dir().resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + c.dir().resolve("tasks") + "\n"
                + "[" + c.peer().store + "]\n" + Deadlines.lines(c.peer().deadlines)
                + (c.peer() == Peer.HTTP ? "" : cinderSection(c.peer(), server));
        Path conf = c.dir().resolve("glance-api.conf");
        Files.writeString(conf, text);
        return conf;
    }

    private static String cinderSection(Peer peer, HostilePeer server) {
        String keystone = peer == Peer.KEYSTONE ? server.hostPort() : "127.0.0.1:5000";
        return "cinder_catalog_info = volumev3:cinderv3:publicURL\n"
                + "cinder_store_auth_address = http://" + keystone + "/v3\n"
                + (peer != Peer.KEYSTONE ? "cinder_endpoint_template = http://" + server.hostPort() + "/v3/%(project_id)s\n" : "")
                + "cinder_store_user_name = glance\ncinder_store_password = glance\ncinder_store_project_name = service\n"
                + "cinder_os_region_name = RegionOne\ncinder_volume_type = glance-fast\n"
                + "cinder_mount_point_base = /var/lib/os-cinder-test/mnt\n";
    }

    @TestFactory
    Stream<DynamicTest> everyCommandEndsInTimeWithAClearErrorAndLeavesNothing() {
        return OUTCOMES.values().stream().map(o -> DynamicTest.dynamicTest(o.c().name(), () -> check(o)));
    }

    private static void check(Outcome o) throws Exception {
        if (o.failure() != null) {
            throw o.failure();
        }
        StowageCli.Result r = o.result();
        String what = o.c().name() + "\nexit " + r.code() + " after " + o.elapsed().toMillis() + " ms\nstdout: "
                + abbreviate(r.out()) + "\nstderr: " + r.err();
        assertThat(o.elapsed()).as(what).isLessThanOrEqualTo(Deadlines.limit(o.c()));
        assertThat(r.err()).as(what).doesNotContainPattern(STACK_TRACE);
        expectation(o).accept(o, what);
        assertThat(leftovers(o.c())).as(what).isEmpty();
        if (o.c().command() == Command.ADD && o.c().peer() != Peer.HTTP) {
            String stored = storedVolume(o);
            List<String> volumes = volumesLeft(o.c().imageId());
            if (stored == null) {
                assertThat(volumes).as("volumes and attachments left: " + what).isEmpty();
            } else {
                assertThat(volumes).as("the stored image's volume alone: " + what).hasSize(1)
                        .allMatch(v -> v.startsWith("volume " + stored + " "));
            }
        }
    }

    /** The volume of an add that succeeded (its printed location {@code cinder://c/<volume>}), else null. */
    private static String storedVolume(Outcome o) {
        if (o.failure() != null || o.c().command() != Command.ADD || o.result().code() != 0) {
            return null;
        }
        String location = String.valueOf(StowageCli.json(o.result().out()).get("location"));
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /** The volumes and attachments of an image, once a volume being deleted has had time to go. */
    private static List<String> volumesLeft(String imageId) throws Exception {
        CinderUpgradeIT.Cinder cinder = new CinderUpgradeIT.Cinder();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<String> left = cinder.imageVolumes(List.of(imageId));
        while (!left.isEmpty() && left.get(0).contains(" deleting ") && System.nanoTime() < deadline) {
            Thread.sleep(500);
            left = cinder.imageVolumes(List.of(imageId));
        }
        return left;
    }

    /** What a case must have printed and returned. */
    interface Expectation {
        void accept(Outcome o, String what);
    }

    private static Expectation expectation(Outcome o) {
        Case c = o.c();
        ErrorKind kind = expectedKind(c);
        if (c.peer() == Peer.HTTP) {
            if (c.command() == Command.HEALTH) {
                return HostilePeersIT::storesHealthy; // an http store has no server of its own to ask
            }
            if (c.command() == Command.SIZE && c.behaviour() == Behaviour.BODY_STALL) {
                return printed("1000000"); // a HEAD answer has no body: its head is the whole answer
            }
            if (c.command() == Command.SIZE && c.behaviour() == Behaviour.ENDLESS_TRAILERS) {
                return printed("0"); // ditto, and without a Content-Length the size is 0, as in glance
            }
        }
        return switch (c.command()) {
            case STORES -> HostilePeersIT::listedNotOk;
            case STORES_DETAIL -> (o2, what) -> reportedUnreachable(o2, what, ExitCodes.OK);
            case HEALTH -> (o2, what) -> reportedUnreachable(o2, what, Deadlines.UNHEALTHY);
            case CONFIG_CHECK -> HostilePeersIT::configCheckFails;
            case ADD -> c.peer() == Peer.CINDER_CREATE ? (o2, what) -> storedOrFailedWith(o2, what, kind)
                    : (o2, what) -> failedWith(o2, what, kind);
            default -> (o2, what) -> failedWith(o2, what, kind);
        };
    }

    /** The kind a failing command must report for this peer and behaviour. */
    private static ErrorKind expectedKind(Case c) {
        if (c.behaviour() == Behaviour.REFUSED || c.behaviour() == Behaviour.CLOSE_MID_HEAD) {
            return ErrorKind.REMOTE_SERVICE_UNAVAILABLE;
        }
        if (c.peer() != Peer.HTTP && c.behaviour() == Behaviour.ENDLESS_TRAILERS) {
            // The cinder driver's HTTP client (java.net.http) cannot read trailers: a response that
            // announces them is refused at once, naming the server, and its connection never reused.
            return ErrorKind.BACKEND;
        }
        return ErrorKind.TIMEOUT;
    }

    /** One error line of {@code kind}, with its exit code, naming the server; a deadline also names what and its option. */
    private static void failedWith(Outcome o, String what, ErrorKind kind) {
        StowageCli.Result r = o.result();
        if (kind == ErrorKind.REMOTE_SERVICE_UNAVAILABLE && r.code() == ExitCodes.of(ErrorKind.TIMEOUT)
                && r.err().contains(" attempts) and ")) {
            // On a loaded machine the retries of a call the peer broke off (0.5 s pause, then again)
            // can use up the call's deadline: the deadline ended it, a Timeout naming its option
            // and the attempts (seen once in a full CI run: 2 attempts in 3.0 s).
            failedWith(o, what, ErrorKind.TIMEOUT);
            return;
        }
        assertThat(r.code()).as(what).isEqualTo(ExitCodes.of(kind));
        List<String> lines = r.err().lines().toList();
        String error = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        assertThat(error).as(what).startsWith("stowage: " + kind.glanceName() + ": ").contains(o.server().hostPort());
        if (kind == ErrorKind.TIMEOUT) {
            assertThat(o.c().peer().deadlines.keySet()).as(what).anyMatch(error::contains);
            String rest = error;
            for (String option : o.c().peer().deadlines.keySet()) {
                rest = rest.replace(option, "");
            }
            assertThat(rest).as("what it waited for: " + what).containsPattern(WHAT_WAS_AWAITED);
        }
        if (o.c().command() != Command.GET) { // a get to stdout may have passed on the bytes it had
            assertThat(r.out()).as(what).isEmpty();
        }
    }

    /**
     * An add whose volume create was answered badly may still find the volume it made (by its
     * own marks) and finish: then it prints a location of the store (its volume is checked
     * after); otherwise it fails as any other command.
     */
    private static void storedOrFailedWith(Outcome o, String what, ErrorKind kind) {
        if (o.result().code() == 0) {
            assertThat(StowageCli.json(o.result().out()).get("location")).as(what).asString().startsWith("cinder://c/");
        } else {
            failedWith(o, what, kind);
        }
    }

    private static Expectation printed(String value) {
        return (o, what) -> {
            assertThat(o.result().code()).as(what).isZero();
            assertThat(o.result().out().trim()).as(what).isEqualTo(value);
        };
    }

    private static void storesHealthy(Outcome o, String what) {
        assertThat(o.result().code()).as(what).isZero();
        assertThat(row(o.result().out(), o.c().peer().store, what)).as(what).contains("ok");
    }

    /** {@code stores} lists without asking the remote side, and never calls a store it did not check ok. */
    private static void listedNotOk(Outcome o, String what) {
        assertThat(o.result().code()).as(what).isZero();
        String row = row(o.result().out(), o.c().peer().store, what);
        assertThat(row).as(what).doesNotContainPattern("(?<![\\w-])ok(?![\\w-])");
    }

    /** The store is shown unreachable, naming the server, the file store ok; the listing's exit code is {@code exit}. */
    private static void reportedUnreachable(Outcome o, String what, int exit) {
        StowageCli.Result r = o.result();
        assertThat(r.code()).as(what).isEqualTo(exit);
        assertThat(row(r.out(), o.c().peer().store, what)).as(what).contains("unreachable").contains(o.server().hostPort());
        assertThat(row(r.out(), "local", what)).as(what).contains("ok");
    }

    /** {@code config check} fails as a configuration error naming the store and its server. */
    private static void configCheckFails(Outcome o, String what) {
        StowageCli.Result r = o.result();
        assertThat(r.code()).as(what).isEqualTo(ExitCodes.of(ErrorKind.BAD_STORE_CONFIGURATION));
        assertThat(r.err()).as(what).contains("store '" + o.c().peer().store + "'").contains(o.server().hostPort());
    }

    /** The line of store {@code id} in a listing: the first that starts with the id as a word. */
    /** The line of store {@code id}, with the lines its wrapped table cells continue on (indented) joined to it. */
    static String row(String listing, String id, String what) {
        List<String> lines = listing.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().matches(Pattern.quote(id) + "\\b.*")) {
                StringBuilder row = new StringBuilder(lines.get(i).strip());
                while (i + 1 < lines.size() && lines.get(i + 1).startsWith(" ")) {
                    row.append(' ').append(lines.get(++i).strip());
                }
                return row.toString();
            }
        }
        throw new AssertionError("no line for store " + id + ": " + what);
    }

    /** Every file under the case's store, staging, task and output directories. */
    private static List<Path> leftovers(Case c) throws IOException {
        List<Path> found = new ArrayList<>();
        for (String d : List.of("images", "staging", "tasks", "out")) {
            Path dir = c.dir().resolve(d);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.walk(dir)) {
                    s.filter(p -> !Files.isDirectory(p)).forEach(found::add);
                }
            }
        }
        return found;
    }

    /** No add against a broken Keystone or Cinder left a volume in the real Cinder, other than images it stored. */
    @Test
    void noVolumeLeftInTheRealCinder() throws Exception {
        List<Case> cases = OUTCOMES.values().stream().map(Outcome::c).toList();
        List<String> stored = OUTCOMES.values().stream().map(HostilePeersIT::storedVolume)
                .filter(java.util.Objects::nonNull).toList();
        List<String> after = ourVolumes(cases);
        try {
            assertThat(after).as("volumes and attachments of this test's images, besides the images stored")
                    .filteredOn(v -> stored.stream().noneMatch(id -> v.startsWith("volume " + id + " ")))
                    .isEqualTo(volumesBefore).isEmpty();
        } finally {
            removeVolumes(after);
        }
    }

    private static List<String> ourVolumes(List<Case> cases) throws Exception {
        return new CinderUpgradeIT.Cinder().imageVolumes(cases.stream().map(Case::imageId).toList());
    }

    private static void removeVolumes(List<String> described) throws Exception {
        CinderUpgradeIT.Cinder cinder = new CinderUpgradeIT.Cinder();
        for (String line : described) {
            if (line.startsWith("volume ")) {
                String id = line.split(" ")[1];
                cinder.deleteVolumeAndAttachments(id);
                cinder.awaitGone(id);
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 2000 ? s : s.substring(0, 2000) + "...";
    }
}
