package dev.backupguard.harness.audit;

import static dev.backupguard.harness.BackupAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backupguard.harness.FakeServer;
import dev.backupguard.harness.Recorder;
import dev.backupguard.harness.cli.Main;
import dev.backupguard.protocol.Mode;
import dev.backupguard.protocol.Rule;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness and the audit command judge a statement that commits implicitly inside a snapshot with the same judge
 * as the live guard: the reads after it are from another moment, so the backup is not consistent
 * (docs/server-facts.md, fact 12). The real server's behaviour is proven in the tests module.
 */
class ImplicitCommitAuditTest {

    private static FakeServer server() {
        return FakeServer.mariadb().database("shop")
                .table("accounts", "id INT", FakeServer.row(1))
                .table("orders", "id INT", FakeServer.row(1));
    }

    @Test
    void theRecordedJobIsNotAConsistentBackup() throws Exception {
        try (Recorder recorder = new Recorder().mode(Mode.AUDIT)) {
            try (Connection c = recorder.guard(server().connect()); Statement s = c.createStatement()) {
                s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                s.executeQuery("SELECT * FROM accounts").close();
                s.execute("ANALYZE TABLE accounts");
                s.executeQuery("SELECT * FROM orders").close();
            }
            assertThat(recorder).isNotConsistentBackup().violates(Rule.IMPLICIT_COMMIT);
        }
    }

    @Test
    void anExpectedAdminStatementMatchesOnlyItsOwnText() throws Exception {
        try (Recorder recorder = new Recorder().mode(Mode.AUDIT)) {
            try (Connection c = recorder.guard(server().connect()); Statement s = c.createStatement()) {
                s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                s.execute("ANALYZE TABLE accounts");
            }
            assertThat(recorder).sentInOrder("START TRANSACTION WITH CONSISTENT SNAPSHOT", "ANALYZE TABLE accounts");
            assertThatThrownBy(() -> assertThat(recorder).sentInOrder("GRANT SELECT ON *.* TO 'u'@'%'"))
                    .isInstanceOf(AssertionError.class);
        }
    }

    @Test
    void theSameJobWithoutTheStatementIsConsistent() throws Exception {
        try (Recorder recorder = new Recorder().mode(Mode.AUDIT)) {
            try (Connection c = recorder.guard(server().connect()); Statement s = c.createStatement()) {
                s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                s.executeQuery("SELECT * FROM accounts").close();
                s.execute("CHECKSUM TABLE accounts"); // does not commit
                s.executeQuery("SELECT * FROM orders").close();
            }
            assertThat(recorder).isConsistentBackup();
        }
    }

    @Test
    void theAuditCommandSaysNotConsistentForAGeneralLogWithAGrantInsideTheSnapshot(@TempDir Path dir)
            throws Exception {
        // A refused GRANT leaves the same row in the general log as a granted one, and commits all the same.
        Path log = dir.resolve("general.log");
        Files.writeString(log, String.join("\n",
                "/usr/sbin/mariadbd, Version: 11.4.5-MariaDB-log (MariaDB Server). started with:",
                "Tcp port: 3306  Unix socket: /run/mysqld/mysqld.sock",
                "Time\t\t    Id Command\tArgument",
                "261202 14:00:00\t    12 Connect\tbackup@127.0.0.1 on shop using TCP/IP",
                "\t\t    12 Query\tSET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                "\t\t    12 Query\tSTART TRANSACTION WITH CONSISTENT SNAPSHOT",
                "\t\t    12 Query\tSELECT * FROM accounts",
                "\t\t    12 Query\tGRANT SELECT ON shop.accounts TO 'reporting'@'%'",
                "\t\t    12 Query\tSELECT * FROM orders",
                "\t\t    12 Query\tCOMMIT",
                "\t\t    12 Quit\t", ""), StandardCharsets.UTF_8);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = new Main(new PrintWriter(out), new PrintWriter(err)).run(new String[] {"audit", log.toString()});

        assertThat(exit).as(out + " " + err).isEqualTo(Main.NOT_CONSISTENT);
        assertThat(out.toString()).contains("NOT CONSISTENT").contains("implicit-commit").contains("GRANT");
    }
}
