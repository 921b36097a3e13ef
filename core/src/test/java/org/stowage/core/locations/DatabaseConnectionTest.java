package org.stowage.core.locations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.stowage.core.config.ConfigFiles;
import org.stowage.core.config.StowageConfig;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;
import org.stowage.testing.ReliabilityRecorder;

/** Glance's {@code [database] connection} (an SQLAlchemy URL) to the JDBC URL and credentials Stowage opens. */
class DatabaseConnectionTest {
    static final String SECRET = "Db-Sekr3t-Pa55";

    @TempDir
    Path dir;

    DatabaseConnection map(String url) {
        return DatabaseConnection.fromSqlAlchemy(url, "glance-api.conf:7", dir);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mysql+pymysql://glance:PW@db.example:3306/glance?charset=utf8|jdbc:mariadb://db.example:3306/glance|glance",
        "mysql://glance:PW@db.example/glance|jdbc:mariadb://db.example/glance|glance",
        "mysql+pymysql://root:PW@127.0.0.1/glance?charset=utf8&plugin=dbcounter|jdbc:mariadb://127.0.0.1/glance|root",
        "mariadb+pymysql://glance:PW@[::1]:3307/glance|jdbc:mariadb://[::1]:3307/glance|glance",
        "mysql+pymysql://glance:PW@/glance?unix_socket=/run/mysqld/mysqld.sock|"
            + "jdbc:mariadb://localhost/glance?localSocket=/run/mysqld/mysqld.sock|glance",
        "postgresql://glance:PW@pg.example/glance|jdbc:postgresql://pg.example/glance|glance",
        "postgresql+psycopg2://glance:PW@pg.example:5433/glance?sslmode=require&client_encoding=utf8|"
            + "jdbc:postgresql://pg.example:5433/glance?sslmode=require|glance",
        "postgresql://glance:PW@pg.example/glance?connect_timeout=5|jdbc:postgresql://pg.example/glance?connectTimeout=5|glance",
    })
    void serverUrlsMapToJdbcWithTheCredentialsApart(String sqlalchemy, String jdbc, String user) {
        ReliabilityRecorder.secretUsed(SECRET);
        DatabaseConnection c = map(sqlalchemy.replace("PW", SECRET));
        assertThat(c.jdbcUrl()).isEqualTo(jdbc);
        assertThat(c.user()).isEqualTo(user);
        assertThat(c.password()).isEqualTo(SECRET);
        assertThat(c.toString()).contains(jdbc).contains("as " + user)
                .contains("[database] connection (glance-api.conf:7)").doesNotContain(SECRET);
    }

    @Test
    void theUserAndPasswordArePercentDecodedAsSqlAlchemyDoes() {
        DatabaseConnection c = map("mysql+pymysql://gl%40nce:p%40ss%2Fw%3Ard@db/glance");
        assertThat(c.user()).isEqualTo("gl@nce");
        assertThat(c.password()).isEqualTo("p@ss/w:rd");
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:mariadb://db/glance");
    }

    @Test
    void sqliteAbsoluteAndRelativePathsMapToTheFile() throws Exception {
        Path db = Files.createFile(dir.resolve("glance.sqlite"));
        assertThat(map("sqlite:///" + db).jdbcUrl()).isEqualTo("jdbc:sqlite:" + db);
        assertThat(map("sqlite:///glance.sqlite").jdbcUrl()).as("relative to the working directory").isEqualTo("jdbc:sqlite:" + db);
        assertThat(map("sqlite+pysqlite:///" + db).user()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "oracle+cx_oracle://glance:PW@db/glance|dialect 'oracle' is not supported",
        "mssql+pyodbc://glance:PW@db/glance|dialect 'mssql' is not supported",
        "glance:PW@db/glance|not an SQLAlchemy URL",
        "sqlite://|in-memory",
        "sqlite:///:memory:|in-memory",
        "sqlite:///no/such/glance.sqlite|does not exist",
        "sqlite:///x.sqlite?timeout=20|sqlite parameters [timeout] are not supported",
        "mysql+pymysql://glance:PW@db/glance?ssl_ca=/etc/ca.pem|parameter 'ssl_ca' is not supported for mysql",
        "postgresql://glance:PW@/glance?host=/var/run/postgresql|parameter 'host' is not supported for postgresql",
        "postgresql://glance:PW@db|no database name",
        "mysql://glance:PW@db:port/glance|port 'port' is not a number",
        "mysql+pymysql://glance:PW@x@db/glance|percent-encode it as %40",
    })
    void anUnsupportedUrlIsRefusedNamingTheOptionTheMaskedValueAndWhatIsSupported(String url, String reason) {
        ReliabilityRecorder.secretUsed(SECRET);
        StoreException e = catchThrowableOfType(() -> map(url.replace("PW", SECRET)), StoreException.class);
        assertThat(e.kind()).isEqualTo(ErrorKind.BAD_STORE_CONFIGURATION);
        assertThat(e.getMessage()).startsWith("glance-api.conf:7: option [database] connection = '").contains(reason)
                .contains("expected sqlite:////absolute/path").contains("--glance-db").doesNotContain(SECRET);
        if (url.contains("PW")) {
            assertThat(e.getMessage()).contains(":****@");
        }
    }

    @Test
    void theConfigurationsDatabaseConnectionIsUsedWhenSetAndNotEmpty() {
        StowageConfig with = StowageConfig.from(ConfigFiles.parse("glance-api.conf", "[DEFAULT]\nenabled_backends = a:file\n"
                + "[glance_store]\ndefault_backend = a\n[database]\nconnection = postgresql://glance:" + SECRET
                + "@pg/glance\n"), "glance-api.conf");
        Optional<DatabaseConnection> c = DatabaseConnection.fromConfig(with, dir);
        assertThat(c).map(DatabaseConnection::jdbcUrl).contains("jdbc:postgresql://pg/glance");
        assertThat(c.get().describe()).contains("glance-api.conf:").doesNotContain(SECRET);
        StowageConfig empty = StowageConfig.from(ConfigFiles.parse("glance-api.conf", "[DEFAULT]\nenabled_backends = a:file\n"
                + "[glance_store]\ndefault_backend = a\n[database]\nconnection =\n"), "glance-api.conf");
        assertThat(DatabaseConnection.fromConfig(empty, dir)).isEmpty();
    }
}
