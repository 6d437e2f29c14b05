package dev.backupguard.agentit.apps;

import dev.backupguard.legacy.Dump;
import dev.backupguard.legacy.LegacyJob;

import java.sql.Connection;
import java.util.Locale;

/**
 * A legacy exporter that gets its connection one of the ways real programs do, run by the agent ITs in a JVM of its
 * own: {@code ExportMain <how> <JOB> <jdbc-url> <user> <password> [connections]}. For each connection it prints
 * {@code GUARD-LAYERS ...} and the dump ({@code DUMP {json}}). Each way of connecting lives in a class of its own,
 * so a run needs on its class path only the libraries of its way (the backup-guard library only for LIBRARY_*).
 */
public final class ExportMain {

    /** How the program obtains its connection. */
    public enum How {
        /** {@code DriverManager.getConnection(url, user, password)}. */
        DRIVER_MANAGER,
        /** {@code new org.mariadb.jdbc.MariaDbDataSource(url).getConnection(user, password)}. */
        MARIADB_DATA_SOURCE,
        /** Connector/J's {@code MysqlDataSource} with URL, user and password set. */
        MYSQL_DATA_SOURCE,
        /** One connection borrowed from a HikariCP pool. */
        HIKARI,
        /** The application's own backup-guard library: {@code jdbc:backupguard:} URL through DriverManager. */
        LIBRARY_URL,
        /** The library's {@code BackupGuardDataSource} around a HikariCP pool. */
        LIBRARY_DATA_SOURCE_OVER_HIKARI,
        /** A HikariCP pool whose jdbcUrl is the library's {@code jdbc:backupguard:} URL. */
        HIKARI_OVER_LIBRARY_URL,
        /** The application calls the library's {@code BackupGuard.wrap} on a DriverManager connection itself. */
        LIBRARY_WRAP
    }

    /** Pools to close at the end; not held in {@link Pools}, whose loading needs HikariCP on the class path. */
    static final java.util.List<AutoCloseable> POOLS = new java.util.ArrayList<>();

    private ExportMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: ExportMain <how> <JOB> <jdbc-url> <user> <password> [connections]");
            System.exit(2);
        }
        How how = How.valueOf(args[0].toUpperCase(Locale.ROOT));
        LegacyJob job = LegacyJob.valueOf(args[1]);
        int connections = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        try {
            for (int i = 0; i < connections; i++) {
                try (Connection c = open(how, args[2], args[3], args[4])) {
                    GuardLayers.print(c);
                    Dump dump = job.run(c, LegacyJob.Hooks.NONE, 0);
                    System.out.println("DUMP " + dump.toJson());
                }
            }
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        } finally {
            for (AutoCloseable pool : POOLS) {
                pool.close();
            }
        }
    }

    static Connection open(How how, String url, String user, String password) throws Exception {
        return switch (how) {
            case DRIVER_MANAGER -> java.sql.DriverManager.getConnection(url, user, password);
            case MARIADB_DATA_SOURCE, MYSQL_DATA_SOURCE -> DriverDataSources.open(how == How.MYSQL_DATA_SOURCE, url,
                    user, password);
            case HIKARI -> Pools.hikari(url, user, password).getConnection();
            case LIBRARY_URL -> LibraryConnections.viaUrl(url, user, password);
            case LIBRARY_DATA_SOURCE_OVER_HIKARI -> LibraryConnections.dataSource(Pools.hikari(url, user, password));
            case HIKARI_OVER_LIBRARY_URL -> Pools.hikari(LibraryConnections.url(url), user, password).getConnection();
            case LIBRARY_WRAP -> LibraryConnections.wrap(java.sql.DriverManager.getConnection(url, user, password));
        };
    }
}
