package dev.backupguard.agentit.apps;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** HikariCP pools as an exporter would set one up (autocommit on, the default), closed when the program ends. */
final class Pools {

    private Pools() {
    }

    static HikariDataSource hikari(String url, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(2);
        config.setPoolName("exporter");
        HikariDataSource ds = new HikariDataSource(config);
        ExportMain.POOLS.add(ds);
        return ds;
    }
}
