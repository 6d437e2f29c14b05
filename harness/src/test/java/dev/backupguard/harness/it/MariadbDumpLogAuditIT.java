package dev.backupguard.harness.it;

import dev.backupguard.harness.audit.AuditedSession;
import dev.backupguard.harness.audit.AuditedStatement;
import dev.backupguard.harness.audit.Window;
import dev.backupguard.harness.cli.Main;
import dev.backupguard.harness.generallog.GeneralLogReader;
import dev.backupguard.harness.generallog.LogAudit;
import dev.backupguard.harness.generallog.LogFormat;
import dev.backupguard.protocol.Role;
import dev.backupguard.protocol.Rule;
import dev.backupguard.protocol.ServerFacts;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * General logs of real mariadb-dump 11.4.5 runs against the test server, captured in the three forms an operator has
 * (the log file, the table exported as TSV, the CSV engine's own file), are judged by the audit as the dump's options
 * deserve: consistent for --single-transaction (with and without --flush-logs), --lock-all-tables (with the warning
 * that the lock is held for the whole dump) and the default --lock-tables on one database; not consistent for the
 * default on two databases, whose tables are locked database by database (mysqldump's manual says as much).
 */
@WithMariaDb
class MariadbDumpLogAuditIT {

    static final Path DIR = Path.of("target/general-logs");
    static String db;
    static String other;

    @BeforeAll
    static void schema(MariaDbServer server) {
        db = server.createDatabase("hx_dump");
        other = server.createDatabase("hx_dump_other");
        server.execute("CREATE TABLE hx_dump.accounts (id INT PRIMARY KEY, owner VARCHAR(20)) ENGINE=InnoDB",
                "CREATE TABLE hx_dump.ledger (id INT PRIMARY KEY, account INT, amount DECIMAL(10,2)) ENGINE=InnoDB",
                "CREATE TABLE hx_dump.audit_log (id BIGINT PRIMARY KEY, what VARCHAR(100)) ENGINE=InnoDB",
                "INSERT INTO hx_dump.accounts VALUES (1, 'ann'), (2, 'bob')",
                "INSERT INTO hx_dump.ledger VALUES (1, 1, 10.00), (2, 2, -3.50)",
                "INSERT INTO hx_dump.audit_log VALUES (1, 'opened')",
                "CREATE TABLE hx_dump_other.invoices (id INT PRIMARY KEY) ENGINE=InnoDB",
                "CREATE TABLE hx_dump_other.payments (id INT PRIMARY KEY) ENGINE=InnoDB");
    }

    /**
     * @param sample        committed under this name (file form), or null
     * @param options       mariadb-dump's options
     * @param consistent    the expected verdict
     * @param rules         rules the backup session must break (warnings included)
     * @param globalLock    whether the dump takes FLUSH TABLES WITH READ LOCK
     * @param insideLock    statements sent while the global read lock is held, or -1 when not checked
     */
    record Case(String sample, List<String> options, boolean consistent, Set<Rule> rules, boolean globalLock,
                int insideLock) {
        @Override
        public String toString() {
            return String.join(" ", options);
        }
    }

    static Stream<Arguments> dumps() {
        return Stream.of(
                // No FTWRL at all: SHOW STATUS LIKE 'binlog_snapshot_%' inside the snapshot (docs/server-facts.md, fact 8).
                Arguments.of(new Case("mariadb-dump-single-transaction.log",
                        List.of("--single-transaction", "--master-data=2", "hx_dump"), true, Set.of(), false, -1)),
                // --flush-logs needs the lock: FLUSH LOGS (sent as the Refresh command), SET, START, two coordinate reads.
                Arguments.of(new Case("mariadb-dump-single-transaction-flush-logs.log",
                        List.of("--single-transaction", "--master-data=2", "--flush-logs", "hx_dump"), true, Set.of(),
                        true, 5)),
                Arguments.of(new Case(null, List.of("--single-transaction", "hx_dump"), true, Set.of(), false, -1)),
                Arguments.of(new Case("mariadb-dump-lock-all-tables.log",
                        List.of("--lock-all-tables", "hx_dump"), true, Set.of(Rule.LOCK_WHOLE_DUMP), true, -1)),
                Arguments.of(new Case(null, List.of("--master-data=2", "hx_dump"), true, Set.of(Rule.LOCK_WHOLE_DUMP),
                        true, -1)),
                Arguments.of(new Case("mariadb-dump-defaults.log", List.of("hx_dump"), true, Set.of(), false, -1)),
                Arguments.of(new Case("mariadb-dump-defaults-two-databases.log",
                        List.of("--databases", "hx_dump", "hx_dump_other"), false, Set.of(Rule.SNAPSHOT_START), false,
                        -1)));
    }

    @ParameterizedTest(name = "mariadb-dump {0}")
    @MethodSource("dumps")
    void dumpIsJudgedAsItsOptionsDeserve(Case c, MariaDbServer server) throws Exception {
        String name = "dump-" + String.join("", c.options()).replaceAll("[^a-z0-9]", "");
        GeneralLogCapture.Captured log = GeneralLogCapture.capture(server, DIR, name,
                () -> GeneralLogCapture.dump(server, DIR.resolve(name + ".sql"), c.options().toArray(String[]::new)));
        if (c.sample() != null) {
            Samples.offer(log.file(), c.sample());
            Samples.offer(log.tsv(), c.sample().replace(".log", ".tsv"));
            Samples.offer(log.csv(), c.sample().replace(".log", ".csv"));
        }

        List<AuditedSession> fromFile = audit(log.file(), LogFormat.FILE);
        List<AuditedSession> fromTsv = audit(log.tsv(), LogFormat.TSV);
        List<AuditedSession> fromCsv = audit(log.csv(), LogFormat.CSV);
        for (List<AuditedSession> sessions : List.of(fromFile, fromTsv, fromCsv)) {
            assertThat(sessions).as("backup sessions").hasSize(1);
            AuditedSession s = sessions.get(0);
            assertThat(s.user()).isEqualTo("root");
            assertThat(s.isConsistent()).as("verdict of %s", s).isEqualTo(c.consistent());
            assertThat(rules(s)).as("rules broken").containsAll(c.rules());
            if (c.consistent()) {
                assertThat(s.consistencyViolations()).isEmpty();
            }
            assertThat(readTables(s)).as("tables read").contains("accounts", "ledger", "audit_log");
            List<Window> locks = s.windows(Window.Lane.GLOBAL_LOCK);
            assertThat(locks).as("global read lock windows").hasSize(c.globalLock() ? 1 : 0);
            if (c.insideLock() >= 0 && !locks.isEmpty()) {
                assertThat(s.statementsInside(locks.get(0))).as("statements under the lock").isEqualTo(c.insideLock());
            }
        }
        // The three forms of one log tell the same story, statement for statement.
        assertThat(fromTsv.get(0).totalStatements()).isEqualTo(fromFile.get(0).totalStatements());
        assertThat(fromCsv.get(0).totalStatements()).isEqualTo(fromFile.get(0).totalStatements());
        assertThat(rules(fromTsv.get(0))).isEqualTo(rules(fromFile.get(0)));
        assertThat(rules(fromCsv.get(0))).isEqualTo(rules(fromFile.get(0)));

        // The command line says the same, with the exit code an operator's script checks.
        String out = cli(c.consistent() ? Main.CONSISTENT : Main.NOT_CONSISTENT, "audit", log.file().toString());
        assertThat(out).contains(c.consistent() ? "verdict: CONSISTENT" : "verdict: NOT CONSISTENT")
                .contains("MariaDB 11.4.5-MariaDB-log (from the log's header)");
        c.rules().forEach(r -> assertThat(out).contains(r.id()));
        cli(c.consistent() ? Main.CONSISTENT : Main.NOT_CONSISTENT, "audit", log.tsv().toString(),
                "--server", "mariadb-11.4.5");
    }

    static Stream<Arguments> lockingDumps() {
        return dumps().filter(a -> ((Case) a.get()[0]).globalLock());
    }

    @ParameterizedTest(name = "mariadb-dump {0}")
    @MethodSource("lockingDumps")
    void lockWindowsComeFromTheLogsTimestamps(Case c, MariaDbServer server) throws Exception {
        String name = "times-" + String.join("", c.options()).replaceAll("[^a-z0-9]", "");
        GeneralLogCapture.Captured log = GeneralLogCapture.capture(server, DIR, name,
                () -> GeneralLogCapture.dump(server, DIR.resolve(name + ".sql"), c.options().toArray(String[]::new)));
        // mysql.general_log has microseconds: the windows are measured. The file has whole seconds: ordered only.
        AuditedSession s = audit(log.tsv(), LogFormat.TSV).get(0);
        Window wait = s.windows(Window.Lane.GLOBAL_LOCK_WAIT).get(0);
        Window hold = s.windows(Window.Lane.GLOBAL_LOCK).get(0);
        AuditedStatement ftwrl = s.statement(wait.from());
        assertThat(ftwrl.sent().sql()).isEqualTo("FLUSH TABLES WITH READ LOCK");
        assertThat(s.fromMicros(wait)).isEqualTo(ftwrl.sent().startMicros());
        assertThat(s.toMicros(wait)).as("lock acquired by the next statement").isEqualTo(s.fromMicros(hold))
                .isEqualTo(s.statement(wait.from() + 1).sent().startMicros()).isGreaterThanOrEqualTo(s.fromMicros(wait));
        assertThat(s.toMicros(hold)).as("released").isGreaterThan(s.fromMicros(hold))
                .isLessThanOrEqualTo(s.endMicros());
        assertThat(s.resolutionMicros()).isEqualTo(1);
        assertThat(audit(log.file(), LogFormat.FILE).get(0).resolutionMicros()).isEqualTo(1_000_000);
    }

    static List<AuditedSession> audit(Path file, LogFormat format) throws Exception {
        ServerFacts facts = ServerFacts.of(ServerFacts.Flavor.MARIADB, MariaDbServer.VERSION + "-MariaDB-log");
        LogAudit audit = new LogAudit(Role.GUARDRAIL, () -> facts, Set.of());
        GeneralLogReader.Info info = GeneralLogReader.read(file, format, audit);
        assertThat(info.format()).isEqualTo(format);
        return audit.finish(info.wholeSeconds());
    }

    static Set<Rule> rules(AuditedSession s) {
        Set<Rule> out = new java.util.TreeSet<>();
        s.violations().forEach(v -> out.add(v.rule()));
        return out;
    }

    static List<String> readTables(AuditedSession s) {
        List<String> out = new ArrayList<>();
        s.statements().stream().filter(AuditedStatement::dataRead).forEach(a -> out.add(a.table()));
        return out;
    }

    /** Runs the command line in this JVM; returns its standard output after checking the exit code. */
    static String cli(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new Main(new PrintWriter(out), new PrintWriter(err)).run(args);
        assertThat(code).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isEqualTo(expectedExit);
        return out.toString();
    }
}
