package dev.backupguard.agentit.apps;

import dev.backupguard.legacy.Dump;
import dev.backupguard.legacy.LegacyJob;
import net.bytebuddy.ByteBuddy;
import org.mockito.Mockito;

import javax.sql.DataSource;
import java.io.InputStream;
import java.net.URL;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * A host application with its own Byte Buddy (an older one than the agent's) and Mockito, which rewrites classes at
 * run time with it: a final class of the host is mocked inline, and the backup job gets its connection from a mocked
 * DataSource. {@code MockitoHostMain <jdbc-url> <user> <password>}; prints {@code HOST-BYTEBUDDY <version>},
 * {@code GUARD-LAYERS ...}, {@code DUMP ...} and {@code MOCKED <value>}.
 */
public final class MockitoHostMain {

    /** Final, so Mockito needs its inline mock maker: a retransformation by the host's Byte Buddy agent. */
    static final class Clock {
        long now() {
            return System.nanoTime();
        }
    }

    private MockitoHostMain() {
    }

    public static void main(String[] args) throws Exception {
        try {
            System.out.println("HOST-BYTEBUDDY " + version(ByteBuddy.class));
            Clock clock = mock(Clock.class);
            when(clock.now()).thenReturn(42L);
            DataSource ds = mock(DataSource.class);
            when(ds.getConnection()).thenAnswer(invocation -> DriverManager.getConnection(args[0], args[1], args[2]));
            try (Connection c = ds.getConnection()) {
                GuardLayers.print(c);
                Dump dump = LegacyJob.AUTOCOMMIT_LOOP.run(c, LegacyJob.Hooks.NONE, 0);
                System.out.println("DUMP " + dump.toJson());
            }
            verify(ds).getConnection();
            System.out.println("MOCKED " + clock.now() + " " + Mockito.mockingDetails(clock).isMock());
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** The Maven version of the jar a class came from. */
    static String version(Class<?> type) throws Exception {
        URL jar = type.getProtectionDomain().getCodeSource().getLocation();
        URL pom = new URL("jar:" + jar + "!/META-INF/maven/net.bytebuddy/byte-buddy/pom.properties");
        Properties p = new Properties();
        try (InputStream in = pom.openStream()) {
            p.load(in);
        }
        return p.getProperty("version");
    }
}
