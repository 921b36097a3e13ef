package org.stowage.core.locations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How a database takes a timestamp, the way SQLAlchemy binds Glance's DateTime columns. */
enum SqlDialect {
    SQLITE, MARIADB, POSTGRESQL;

    private static final DateTimeFormatter SQLITE_DATETIME = DateTimeFormatter
            .ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT).withZone(ZoneOffset.UTC);

    static SqlDialect of(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName();
        String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (p.contains("sqlite")) {
            return SQLITE;
        }
        if (p.contains("mariadb") || p.contains("mysql")) {
            return MARIADB;
        }
        if (p.contains("postgresql")) {
            return POSTGRESQL;
        }
        throw new SQLException("unsupported database '" + product + "' (expected SQLite, MariaDB/MySQL or PostgreSQL)");
    }

    /** SQLite has no date type: SQLAlchemy stores text; the others take a UTC time without zone. */
    void bindTimestamp(PreparedStatement ps, int index, Instant t) throws SQLException {
        if (this == SQLITE) {
            ps.setString(index, SQLITE_DATETIME.format(t));
        } else {
            ps.setObject(index, LocalDateTime.ofInstant(t, ZoneOffset.UTC));
        }
    }
}
