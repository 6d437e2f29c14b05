package dev.backupguard.agentit.apps;

import dev.backupguard.legacy.Dump;
import dev.backupguard.legacy.LegacyJob;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;

/**
 * A legacy backup job that knows nothing of backup-guard, followed by what an operator's JMX console would read:
 * {@code TelemetryJobMain <JOB> <connection-file>}, the file a properties file with {@code url}, {@code user} and
 * {@code password} (not arguments: the JVM's own flight recording, jdk.JVMInformation, holds the command line, and a
 * test looks for the password in the recording). Prints {@code MXBEAN-REGISTERED-BEFORE true|false},
 * runs the job on one DriverManager connection and prints its dump ({@code DUMP {json}}), closes the connection (which
 * ends the backup session), then prints every attribute of {@code dev.backupguard:type=BackupGuard} from this JVM's
 * platform MBean server: {@code MXBEAN <name>=<value>}, and the items of the composite {@code LastSessionSummary} as
 * {@code MXBEAN-SUMMARY <key>=<value>}. Exits 1 with the error on stderr if anything fails.
 */
public final class TelemetryJobMain {

    private TelemetryJobMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: TelemetryJobMain <JOB> <connection-file>");
            System.exit(2);
        }
        try {
            Properties connection = new Properties();
            try (Reader r = Files.newBufferedReader(Path.of(args[1]), StandardCharsets.UTF_8)) {
                connection.load(r);
            }
            MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("dev.backupguard:type=BackupGuard");
            System.out.println("MXBEAN-REGISTERED-BEFORE " + mbs.isRegistered(name));
            try (Connection c = DriverManager.getConnection(connection.getProperty("url"),
                    connection.getProperty("user"), connection.getProperty("password"))) {
                Dump dump = LegacyJob.valueOf(args[0]).run(c, LegacyJob.Hooks.NONE, 0);
                System.out.println("DUMP " + dump.toJson());
            }
            for (MBeanAttributeInfo a : mbs.getMBeanInfo(name).getAttributes()) {
                Object value = mbs.getAttribute(name, a.getName());
                if (value instanceof CompositeData summary) {
                    for (String key : summary.getCompositeType().keySet()) {
                        Object item = summary.get(key);
                        System.out.println("MXBEAN-SUMMARY " + key + "="
                                + (item instanceof Object[] array ? java.util.Arrays.toString(array) : item));
                    }
                } else {
                    System.out.println("MXBEAN " + a.getName() + "=" + value);
                }
            }
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }
}
