package dev.backupguard.agentit.apps;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.util.ArrayList;
import java.util.List;

/** HikariCP pools as an exporter would set one up (autocommit on, the default), closed when the program ends. */
final class Pools {

    private static final List<HikariDataSource> OPEN = new ArrayList<>();

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
        OPEN.add(ds);
        return ds;
    }

    static void closeAll() {
        OPEN.forEach(HikariDataSource::close);
    }
}
