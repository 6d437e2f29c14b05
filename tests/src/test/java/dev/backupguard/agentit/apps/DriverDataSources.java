package dev.backupguard.agentit.apps;

import com.mysql.cj.jdbc.MysqlDataSource;
import org.mariadb.jdbc.MariaDbDataSource;

import java.sql.Connection;
import java.sql.SQLException;

/** The drivers' own (non-pooling) DataSources, used the way applications configure them. */
final class DriverDataSources {

    private DriverDataSources() {
    }

    static Connection open(boolean mysql, String url, String user, String password) throws SQLException {
        if (mysql) {
            MysqlDataSource ds = new MysqlDataSource();
            ds.setURL(url);
            ds.setUser(user);
            ds.setPassword(password);
            return ds.getConnection();
        }
        return new MariaDbDataSource(url).getConnection(user, password);
    }
}
