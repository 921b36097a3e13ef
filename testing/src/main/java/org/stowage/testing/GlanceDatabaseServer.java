package org.stowage.testing;

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
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Glance database for tests: SQLite, or a PostgreSQL or MariaDB server from Debian's
 * packages started on loopback (a private port, a temporary data directory, run as the
 * packages' unprivileged user), its schema made by Glance's own {@code glance-manage db_sync},
 * and Glance's own DB API ({@code glance_db_api.py} with the system python3, see
 * {@link #glanceApi}) to add images and read them back. Start one per engine per test class: it
 * takes a few seconds.
 *
 * <p>Skipped (JUnit assumption, with the reason) when the packages are missing or, for the
 * servers, when not run as root; {@code .ci/setup-databases.sh} installs them.
 */
public final class GlanceDatabaseServer implements AutoCloseable {
    /** The database engines Glance supports. */
    public enum Engine {
        SQLITE, POSTGRESQL, MARIADB
    }

    /** The Glance database's user (none for SQLite). */
    public static final String USER = "glance";
    /** Its password. */
    public static final String PASSWORD = "Glance-db-Test-pw";
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    /** Generous: glance-manage db_sync alone takes minutes on a loaded machine with idle-class I/O. */
    private static final Duration START_DEADLINE = Duration.ofMinutes(5);
    private static final Duration API_DEADLINE = Duration.ofSeconds(120);

    private final Engine engine;
    private final String jdbcUrl;
    private final int port;
    private final Path dir;
    private final Path conf;
    private Process mariadb;
    private Process python;
    private BufferedWriter pythonIn;
    private BufferedReader pythonOut;

    private GlanceDatabaseServer(Engine engine, Path dir, int port, String jdbcUrl) {
        this.engine = engine;
        this.dir = dir;
        this.port = port;
        this.jdbcUrl = jdbcUrl;
        this.conf = dir.resolve("glance.conf");
    }

    /** Starts the engine's server (if any), creates the Glance database and its schema. */
    public static GlanceDatabaseServer start(Engine engine) throws Exception {
        requireGlance(engine);
        Path dir = Files.createTempDirectory("stowage-glance-" + engine.name().toLowerCase(Locale.ROOT) + "-");
        GlanceDatabaseServer db = null;
        try {
            int port = freePort();
            switch (engine) {
                case SQLITE:
                    db = new GlanceDatabaseServer(engine, dir, 0, "jdbc:sqlite:" + dir.resolve("glance.sqlite"));
                    break;
                case POSTGRESQL:
                    db = new GlanceDatabaseServer(engine, dir, port, "jdbc:postgresql://127.0.0.1:" + port + "/glance");
                    db.startPostgres();
                    break;
                default:
                    db = new GlanceDatabaseServer(engine, dir, port, "jdbc:mariadb://127.0.0.1:" + port + "/glance");
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

    /** The engine. */
    public Engine engine() {
        return engine;
    }

    /** The JDBC URL, without credentials (they are {@link #USER} and {@link #PASSWORD}; none for SQLite). */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The server's loopback port (0 for SQLite). */
    public int port() {
        return port;
    }

    /** The server's private directory (data, logs), removed by {@link #close}. */
    public Path dir() {
        return dir;
    }

    /** A file holding the password, for a command's {@code --db-password-file}. */
    public Path passwordFile() throws IOException {
        Path f = dir.resolve("glance-db.pw");
        if (!Files.exists(f)) {
            Files.writeString(f, PASSWORD + "\n");
        }
        return f;
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
        try (Connection c = superuser(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            st.execute("CREATE DATABASE glance OWNER " + USER);
        }
    }

    /**
     * A connection as the server's superuser (PostgreSQL: {@code postgres}, to the {@code postgres}
     * database; MariaDB: {@code root}), e.g. to end the Glance user's sessions.
     */
    public Connection superuser() throws SQLException {
        if (engine == Engine.POSTGRESQL) {
            return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", PASSWORD);
        }
        if (engine == Engine.MARIADB) {
            return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/?connectTimeout=2000", "root", "");
        }
        throw new IllegalStateException("SQLite has no superuser: expected a PostgreSQL or MariaDB server");
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
            try (Connection c = superuser(); Statement st = c.createStatement()) {
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
    public String sqlalchemyUrl() {
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
    public Connection connect() throws SQLException {
        Properties p = new Properties();
        if (engine != Engine.SQLITE) {
            p.setProperty("user", USER);
            p.setProperty("password", PASSWORD);
        }
        return DriverManager.getConnection(jdbcUrl, p);
    }

    /**
     * One request to Glance's own DB API ({@code glance_db_api.py}, whose docstring lists the
     * commands and their JSON); the Python process is started on first use and kept.
     *
     * @param request the request, as JSON text
     * @return the reply, as JSON text
     * @throws IllegalStateException when Glance failed (with its traceback) or gave no reply in time
     */
    public synchronized String glanceApi(String command, String request) throws IOException, InterruptedException {
        if (python == null) {
            startPython();
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
            reply = line.get(API_DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            python.destroyForcibly();
            throw new IllegalStateException("glance_db_api.py " + command + " gave no reply within " + API_DEADLINE);
        } catch (ExecutionException e) {
            throw new IllegalStateException("glance_db_api.py " + command + ": " + e.getCause(), e.getCause());
        }
        String ok = "{\"ok\": ";
        if (reply == null || !reply.startsWith(ok) || !reply.endsWith("}")) {
            throw new IllegalStateException("glance_db_api.py " + command + " failed: " + reply + "\n"
                    + Files.readString(dir.resolve("python.log")));
        }
        return reply.substring(ok.length(), reply.length() - 1);
    }

    private void startPython() throws IOException {
        Path script = dir.resolve("glance_db_api.py");
        try (InputStream in = GlanceDatabaseServer.class.getResourceAsStream("glance_db_api.py")) {
            Files.copy(in, script);
        }
        python = new ProcessBuilder(PYTHON.toString(), script.toString(), conf.toString())
                .redirectError(dir.resolve("python.log").toFile()).start();
        pythonIn = new BufferedWriter(new OutputStreamWriter(python.getOutputStream(), StandardCharsets.UTF_8));
        pythonOut = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
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

    /** Stops the Python process and the server, and removes the directory. */
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
