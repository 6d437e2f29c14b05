package dev.backupguard.testserver;

/** The two JDBC drivers backup code uses against MariaDB, with the URL each needs for the test server. */
public enum JdbcDriver {
    /** MariaDB Connector/J 3.x. */
    MARIADB("jdbc:mariadb://", ""),
    /**
     * MySQL Connector/J 9.x. The server runs without TLS ({@code --skip-ssl}), so the driver is told not to try it;
     * {@code allowPublicKeyRetrieval} is harmless here (MariaDB accounts use mysql_native_password) but keeps the URL
     * working against a MySQL server with caching_sha2_password accounts.
     */
    MYSQL("jdbc:mysql://", "?sslMode=DISABLED&allowPublicKeyRetrieval=true");

    private final String prefix;
    private final String parameters;

    JdbcDriver(String prefix, String parameters) {
        this.prefix = prefix;
        this.parameters = parameters;
    }

    /** {@code jdbc:...://host:port/database} plus the parameters this driver needs; {@code database} may be empty. */
    public String url(String host, int port, String database) {
        return prefix + host + ':' + port + '/' + (database == null ? "" : database) + parameters;
    }
}
