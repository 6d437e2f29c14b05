package dev.backupguard.bench;

import dev.backupguard.legacy.Bank;
import dev.backupguard.legacy.LegacyJob;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Item 4: how long the global read lock is held, guarded legacy jobs against mariadb-dump (and mydumper when
 * installed), on the same server and data, all measured from the server's general log ({@link GlobalLockWindows}).
 * Scenarios run round-robin, so drift in the machine's load spreads over all of them.
 */
public final class LockWindow {

    static final String DATABASE = "bench_bank";
    static final Map<String, String> AUTO = Map.of();
    static final Map<String, String> GLOBAL_LOCK = Map.of("backupguard.snapshot.way", "global-lock");

    private LockWindow() {
    }

    public static void main(String[] args) throws Exception {
        Sizes sizes = BenchSuite.sizes(args);
        try (MariaDbServer server = MariaDbServer.start()) {
            System.out.println(run(server, sizes).render());
        }
    }

    static List<BackupRun> scenarios() {
        List<BackupRun> runs = new ArrayList<>(List.of(
                BackupRun.guarded(LegacyJob.LOCK_WHOLE_DUMP, JdbcDriver.MARIADB, "way auto", AUTO),
                BackupRun.guarded(LegacyJob.WRONG_ORDER_GLOBAL_LOCK, JdbcDriver.MARIADB, "way auto", AUTO),
                BackupRun.guarded(LegacyJob.AUTOCOMMIT_LOOP, JdbcDriver.MARIADB, "way auto", AUTO),
                BackupRun.guarded(LegacyJob.LOCK_WHOLE_DUMP, JdbcDriver.MARIADB, "way global-lock", GLOBAL_LOCK),
                BackupRun.guarded(LegacyJob.LOCK_WHOLE_DUMP, JdbcDriver.MYSQL, "way global-lock", GLOBAL_LOCK),
                BackupRun.guarded(LegacyJob.AUTOCOMMIT_LOOP, JdbcDriver.MARIADB, "way global-lock", GLOBAL_LOCK),
                BackupRun.unguarded(LegacyJob.LOCK_WHOLE_DUMP, JdbcDriver.MARIADB),
                BackupRun.mariadbDump("--single-transaction", "--master-data=2"),
                BackupRun.mariadbDump("--single-transaction", "--master-data=2", "--flush-logs"),
                BackupRun.mariadbDump("--lock-all-tables", "--master-data=2")));
        BackupRun.mydumper("--trx-consistency-only", "--threads=2").ifPresent(runs::add);
        return runs;
    }

    static void createBank(MariaDbServer server, int accounts) throws Exception {
        server.createDatabase(DATABASE);
        try (Connection c = server.connect(JdbcDriver.MARIADB, DATABASE)) {
            Bank.create(c, accounts, 1_000, false);
        }
    }

    public static Section run(MariaDbServer server, Sizes sizes) throws Exception {
        createBank(server, sizes.bankAccounts());
        List<BackupRun> scenarios = scenarios();
        Map<BackupRun, List<GlobalLockWindows.Window>> windows = new LinkedHashMap<>();
        Map<BackupRun, List<Integer>> locksPerRun = new LinkedHashMap<>();
        for (BackupRun s : scenarios) {
            windows.put(s, new ArrayList<>());
            locksPerRun.put(s, new ArrayList<>());
        }
        for (int rep = 0; rep < sizes.lockRepetitions(); rep++) {
            for (BackupRun s : scenarios) {
                server.clearGeneralLog();
                s.run(server, DATABASE);
                List<GlobalLockWindows.Window> found = GlobalLockWindows.find(server.generalLog());
                windows.get(s).addAll(found);
                locksPerRun.get(s).add(found.size());
            }
        }
        MarkdownTable table = new MarkdownTable("backup", "FTWRL per run", "window µs (UNLOCK − FTWRL)",
                "wait ≤ µs", "hold ≥ µs");
        for (BackupRun s : scenarios) {
            List<GlobalLockWindows.Window> w = windows.get(s);
            Stats locks = Stats.of(locksPerRun.get(s));
            if (w.isEmpty()) {
                table.row(s.label(), locks.format(0), "no global lock", "–", "–");
                continue;
            }
            table.row(s.label(), locks.format(0),
                    Stats.of(w.stream().mapToDouble(GlobalLockWindows.Window::windowMicros).toArray()).format(0),
                    Stats.of(w.stream().mapToDouble(GlobalLockWindows.Window::waitAtMostMicros).toArray()).format(0),
                    Stats.of(w.stream().mapToDouble(GlobalLockWindows.Window::holdAtLeastMicros).toArray()).format(0));
        }
        String md = table + "\n"
                + "Bank of " + sizes.bankAccounts() + " accounts (`checking`, `savings`: " + 2 * sizes.bankAccounts()
                + " rows). Medians over " + sizes.lockRepetitions() + " runs per scenario (min–max), scenarios"
                + " round-robin. Read from `mysql.general_log` (`event_time` in µs), which stamps a statement when it"
                + " starts: *window* = UNLOCK TABLES row (or the `Quit` of a dumper that disconnects holding the lock)"
                + " minus the FTWRL row, i.e. the time writers can be stalled (a waiting FTWRL already blocks them,"
                + " server fact 4); *wait ≤* = next row minus FTWRL row (an upper bound: includes one round trip);"
                + " *hold ≥* = UNLOCK row minus next row (a lower bound). The JDBC jobs are `dev.backupguard.legacy.LegacyJob`"
                + " shapes; `way auto` is the default settings (on MariaDB the snapshot reports its own coordinates),"
                + " `way global-lock` forces mysqldump's FTWRL window (`backupguard.snapshot.way=global-lock`). Lock"
                + " guard: whatever `BackupGuard.lockGuard()` is in this build.\n";
        return new Section(4, "Global read lock window (from the general log)", md);
    }
}
