package org.stowage.core.locations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Glance database for tests: SQLite, or a PostgreSQL or MariaDB server from Debian's
 * packages started on loopback (a private port, a temporary data directory, run as the
 * packages' unprivileged user), its schema made by Glance's own {@code glance-manage db_sync},
 * and Glance's own DB API ({@code glance_db_api.py} with the system python3) to add images and
 * to read them back. Start one per engine per test class: it takes a few seconds.
 *
 * <p>Skipped (JUnit assumption, with the reason) when the packages are missing or, for the
 * servers, when not run as root; {@code .ci/setup-databases.sh} installs them.
 */
final class GlanceDb implements AutoCloseable {
    /** The database engines Glance supports. */
    enum Engine {
        SQLITE, POSTGRESQL, MARIADB
    }

    static final String USER = "glance";
    static final String PASSWORD = "Glance-db-Test-pw";
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    /** Generous: glance-manage db_sync alone takes minutes on a loaded machine with idle-class I/O. */
    private static final Duration START_DEADLINE = Duration.ofMinutes(5);

    final Engine engine;
    /** The JDBC URL, without credentials (they are {@link #USER} and {@link #PASSWORD}). */
    final String jdbcUrl;
    final int port;
    private final Path dir;
    private final Path conf;
    private Process mariadb;
    private Process python;
    private BufferedWriter pythonIn;
    private BufferedReader pythonOut;

    private GlanceDb(Engine engine, Path dir, int port, String jdbcUrl) {
        this.engine = engine;
        this.dir = dir;
        this.port = port;
        this.jdbcUrl = jdbcUrl;
        this.conf = dir.resolve("glance.conf");
    }

    /** Starts the engine's server (if any), creates the Glance database and its schema. */
    static GlanceDb start(Engine engine) throws Exception {
        requireGlance(engine);
        Path dir = Files.createTempDirectory("stowage-glance-" + engine.name().toLowerCase() + "-");
        GlanceDb db = null;
        try {
            int port = freePort();
            switch (engine) {
                case SQLITE:
                    db = new GlanceDb(engine, dir, 0, "jdbc:sqlite:" + dir.resolve("glance.sqlite"));
                    break;
                case POSTGRESQL:
                    db = new GlanceDb(engine, dir, port, "jdbc:postgresql://127.0.0.1:" + port + "/glance");
                    db.startPostgres();
                    break;
                default:
                    db = new GlanceDb(engine, dir, port, "jdbc:mariadb://127.0.0.1:" + port + "/glance");
                    db.startMariadb();
            }
            db.syncSchema();
            return db;
        } catch (Exception | Error e) {
            if (db != null) {
                db.close();
            } else {
                deleteTree(dir);
            }
            throw e;
        }
    }

    private static void requireGlance(Engine engine) {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/glance-manage")) && Files.isExecutable(PYTHON),
                "Glance's DB layer is missing: install Debian's glance-common (.ci/setup-databases.sh does it as root)");
        if (engine == Engine.SQLITE) {
            return;
        }
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "starting a " + engine + " server for the test needs root (to run it as its unprivileged user); "
                        + "running as " + System.getProperty("user.name"));
        boolean present = engine == Engine.POSTGRESQL ? postgresBin("initdb") != null && pythonHas("psycopg2")
                : Files.isExecutable(Path.of("/usr/sbin/mariadbd")) && Files.isExecutable(Path.of("/usr/bin/mariadb-install-db"))
                        && pythonHas("pymysql");
        Assumptions.assumeTrue(present, engine + " server or its Python driver is missing: install "
                + (engine == Engine.POSTGRESQL ? "postgresql python3-psycopg2" : "mariadb-server python3-pymysql")
                + " (.ci/setup-databases.sh does it as root)");
    }

    private static boolean pythonHas(String module) {
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import " + module).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Path postgresBin(String tool) {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin").resolve(tool)).filter(Files::isExecutable)
                    .max(Comparator.comparing(Path::toString)).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void chown(Path p, String user) throws IOException {
        UserPrincipal owner = p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
        Files.setOwner(p, owner);
    }

    private void startPostgres() throws Exception {
        chown(dir, "postgres");
        Path pw = dir.resolve("superuser.pw");
        Files.writeString(pw, PASSWORD + "\n");
        chown(pw, "postgres");
        String data = dir.resolve("data").toString();
        run("initdb", "runuser", "-u", "postgres", "--", postgresBin("initdb").toString(), "-D", data, "-U", "postgres",
                "--auth=scram-sha-256", "--pwfile=" + pw, "--no-sync", "-E", "UTF8");
        run("pg_ctl start", "runuser", "-u", "postgres", "--", postgresBin("pg_ctl").toString(), "-D", data, "-w",
                "-t", String.valueOf(START_DEADLINE.toSeconds()), "-l", dir.resolve("server.log").toString(), "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
                "start");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres",
                PASSWORD); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            st.execute("CREATE DATABASE glance OWNER " + USER);
        }
    }

    private void startMariadb() throws Exception {
        chown(dir, "mysql");
        String data = dir.resolve("data").toString();
        run("mariadb-install-db", "mariadb-install-db", "--no-defaults", "--user=mysql", "--datadir=" + data,
                "--auth-root-authentication-method=normal", "--skip-test-db");
        mariadb = new ProcessBuilder("/usr/sbin/mariadbd", "--no-defaults", "--user=mysql", "--datadir=" + data,
                "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + dir.resolve("mysqld.sock"),
                "--pid-file=" + dir.resolve("mysqld.pid"), "--skip-log-bin", "--innodb-flush-log-at-trx-commit=0",
                "--innodb-buffer-pool-size=32M")
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        Instant deadline = Instant.now().plus(START_DEADLINE);
        while (true) {
            try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/?connectTimeout=2000",
                    "root", ""); Statement st = c.createStatement()) {
                st.execute("CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
                st.execute("CREATE DATABASE glance");
                st.execute("GRANT ALL ON glance.* TO '" + USER + "'@'%'");
                return;
            } catch (SQLException e) {
                if (!mariadb.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("MariaDB did not start: " + e.getMessage() + "\n"
                            + Files.readString(dir.resolve("server.log")), e);
                }
                Thread.sleep(200);
            }
        }
    }

    /** The SQLAlchemy URL Glance would be configured with. */
    private String sqlalchemyUrl() {
        switch (engine) {
            case SQLITE:
                return "sqlite:///" + dir.resolve("glance.sqlite");
            case POSTGRESQL:
                return "postgresql+psycopg2://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port + "/glance";
            default:
                return "mysql+pymysql://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port + "/glance?charset=utf8";
        }
    }

    private void syncSchema() throws Exception {
        Files.writeString(conf, "[database]\nconnection = " + sqlalchemyUrl() + "\n");
        run("glance-manage db_sync", "glance-manage", "--config-file", conf.toString(), "db_sync");
    }

    /** A connection as the Glance user. */
    Connection connect() throws SQLException {
        Properties p = new Properties();
        if (engine != Engine.SQLITE) {
            p.setProperty("user", USER);
            p.setProperty("password", PASSWORD);
        }
        return DriverManager.getConnection(jdbcUrl, p);
    }

    /** Opens the database for the upgrade, as the CLI does. */
    GlanceDatabase open() {
        return engine == Engine.SQLITE ? GlanceDatabase.open(jdbcUrl, null, null) : GlanceDatabase.open(jdbcUrl, USER, PASSWORD);
    }

    /** Removes every image and its rows (between tests). */
    void clear() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String table : List.of("image_locations", "image_properties", "image_members", "image_tags", "images")) {
                st.executeUpdate("DELETE FROM " + table);
            }
            st.execute("DROP TABLE IF EXISTS " + DrainLedger.TABLE);
        }
    }

    /** Adds images through Glance's own {@code image_create}: {@code [{"id", "locations": [{"url", "metadata"}]}]}. */
    void createThroughGlance(List<ImageRecord> images) throws Exception {
        glanceApi("create", JsonSupport.renderImages(images));
    }

    /**
     * Adds images through Glance's own {@code image_create}, each a map of {@code id},
     * {@code locations} ([{url, metadata}]) and optionally {@code status}, {@code size},
     * {@code checksum}, {@code os_hash_algo}, {@code os_hash_value}, {@code properties}.
     */
    void createImagesThroughGlance(List<Map<String, Object>> images) throws Exception {
        glanceApi("create", GlanceJson.dumps(images));
    }

    /** Reads images through Glance's own {@code image_get}; see glance_db_api.py for the reply. */
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> readThroughGlance(List<String> ids) throws Exception {
        return (Map<String, Map<String, Object>>) GlanceJson.parse(glanceApi("read", GlanceJson.dumps(ids)));
    }

    /** As {@link #readThroughGlance}, with deleted images and removed location rows (image_get's force_show_deleted). */
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> readDeletedThroughGlance(List<String> ids) throws Exception {
        return (Map<String, Map<String, Object>>) GlanceJson.parse(glanceApi("read_deleted", GlanceJson.dumps(ids)));
    }

    /** Adds a location through Glance's own {@code image_location_add}. */
    void addLocationThroughGlance(String imageId, ImageLocation location, String status) throws Exception {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("image_id", imageId);
        request.put("url", location.url());
        request.put("metadata", location.metadata());
        request.put("status", status);
        glanceApi("location_add", GlanceJson.dumps(request));
    }

    /** Removes a location row through Glance's own {@code image_location_delete}. */
    void removeLocationThroughGlance(String imageId, long rowId, String status) throws Exception {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("image_id", imageId);
        request.put("location_id", rowId);
        request.put("status", status);
        glanceApi("location_delete", GlanceJson.dumps(request));
    }

    /** One request to Glance's DB API; the Python process is started on first use and kept. */
    private String glanceApi(String command, String request) throws Exception {
        if (python == null) {
            Path script = dir.resolve("glance_db_api.py");
            try (InputStream in = GlanceDb.class.getResourceAsStream("glance_db_api.py")) {
                Files.copy(in, script);
            }
            python = new ProcessBuilder(PYTHON.toString(), script.toString(), conf.toString())
                    .redirectError(dir.resolve("python.log").toFile()).start();
            pythonIn = new BufferedWriter(new OutputStreamWriter(python.getOutputStream(), StandardCharsets.UTF_8));
            pythonOut = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
        }
        pythonIn.write("{\"command\": \"" + command + "\", \"request\": " + request + "}\n");
        pythonIn.flush();
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return pythonOut.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        String reply;
        try {
            reply = line.get(120, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            python.destroyForcibly();
            throw new IllegalStateException("glance_db_api.py " + command + " gave no reply within 120 s");
        }
        assertThat(reply).as("glance_db_api.py %s: %s", command, Files.readString(dir.resolve("python.log"))).isNotNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) GlanceJson.parse(reply);
        assertThat(m).as("glance_db_api.py %s", command).doesNotContainKey("failed");
        return GlanceJson.dumps(m.get("ok"));
    }

    private void run(String what, String... command) throws Exception {
        Path log = dir.resolve("setup.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(START_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(what + " did not finish within " + START_DEADLINE);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(what + " failed (" + p.exitValue() + "):\n" + Files.readString(log));
        }
    }

    @Override
    public void close() {
        try {
            if (python != null) {
                pythonIn.close();
                if (!python.waitFor(30, TimeUnit.SECONDS)) {
                    python.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            if (engine == Engine.POSTGRESQL && Files.exists(dir.resolve("data/postmaster.pid"))) {
                run("pg_ctl stop", "runuser", "-u", "postgres", "--", postgresBin("pg_ctl").toString(), "-D",
                        dir.resolve("data").toString(), "-m", "immediate", "-w", "-t", "30", "stop");
            }
            if (mariadb != null) {
                mariadb.destroy();
                if (!mariadb.waitFor(30, TimeUnit.SECONDS)) {
                    mariadb.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("stopping " + engine + ": " + e.getMessage(), e);
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            List<Path> paths = new ArrayList<>(all.sorted(Comparator.reverseOrder()).toList());
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + dir, e);
        }
    }

    @Override
    public String toString() {
        return engine.toString();
    }
}
