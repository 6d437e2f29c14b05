package dev.backupguard.bench;

import java.sql.Driver;
import java.sql.DriverManager;
import java.util.Collections;

/**
 * The program whose start-up item 6 times, with and without {@code -javaagent}: it loads the JDBC drivers (what the
 * agent instruments) and exits. Prints how many drivers it saw, so a broken class path cannot pass unnoticed.
 */
public final class StartupProbe {

    private StartupProbe() {
    }

    public static void main(String[] args) throws Exception {
        Class.forName("org.mariadb.jdbc.Driver");
        Class.forName("com.mysql.cj.jdbc.Driver");
        int drivers = 0;
        for (Driver ignored : Collections.list(DriverManager.getDrivers())) {
            drivers++;
        }
        System.out.println("drivers " + drivers);
    }
}
