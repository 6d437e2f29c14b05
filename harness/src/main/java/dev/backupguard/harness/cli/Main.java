package dev.backupguard.harness.cli;

import dev.backupguard.classify.TableName;
import dev.backupguard.harness.audit.AuditedSession;
import dev.backupguard.harness.generallog.GeneralLogReader;
import dev.backupguard.harness.generallog.LogAudit;
import dev.backupguard.harness.generallog.LogFormat;
import dev.backupguard.harness.generallog.LogFormatException;
import dev.backupguard.harness.generallog.LogHeader;
import dev.backupguard.harness.report.AuditReport;
import dev.backupguard.harness.report.HtmlReport;
import dev.backupguard.harness.report.TextReport;
import dev.backupguard.protocol.Role;
import dev.backupguard.protocol.ServerFacts;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code java -jar backup-guard-cli.jar audit <general log> [options]}: judges every backup session in a server's
 * general log with the session protocol in audit mode.
 *
 * <p>Exit code 0 when every backup session was consistent (also when there was none), 1 when any was not (or could
 * not be seen whole), 2 when the input could not be read or the command line is wrong, 3 when the audit itself failed
 * (a bug, or too little memory): a crash never shares an exit code with a verdict.
 */
public final class Main {

    public static final int CONSISTENT = 0;
    public static final int NOT_CONSISTENT = 1;
    public static final int UNREADABLE = 2;
    public static final int INTERNAL_ERROR = 3;

    static final String USAGE = """
            Usage: java -jar backup-guard-cli.jar audit <general-log> [options]

            Reads a MySQL/MariaDB general log, finds the backup sessions in it and judges each one with the
            backup-guard session protocol (the mysqldump --single-transaction --master-data=2 rules): is the backup
            consistent, which statement broke which rule, how long the global read lock was waited for and held.

            <general-log>   the general log file (log_output=FILE, MariaDB or MySQL; .gz is read as it is), or
                            mysql.general_log exported as TSV (mariadb --batch -e "SELECT * FROM mysql.general_log")
                            or CSV (the CSV engine's own mysql/general_log.CSV, INTO OUTFILE, or a file with a
                            header row)

            Options:
              --format auto|file|tsv|csv      the input's format (default: auto, from the first line)
              --server mariadb|mysql|percona[-<version>]
                                              the server the log comes from (default: the log file's header;
                                              for exports mysql-8.0, assumed)
              --binlog on|off                 whether binary logging was on (default: on)
              --non-transactional db.t1,db.t2 tables that are not transactional (MyISAM, Aria, MEMORY, ...):
                                              the log does not say which tables are
              --backup-user NAME[,NAME]       users whose every connection is a backup session (default: only
                                              connections that send backup statements are backup sessions)
              --max-statement CHARS           read at most this many chars of a statement (default 1048576; k and
                                              m suffixes): a longer one is judged on its start and its session is
                                              not called consistent
              --html FILE                     also write a self-contained HTML report with a timeline per session
              --show-literals                 print statements as logged (default: literals are replaced by ?)
              --verbose                       list every statement of each backup session
              --help                          this text

            Exit code: 0 every backup session was consistent (or there was none)
                       1 at least one was not, or was not seen whole (a statement longer than --max-statement,
                         a log cut in the middle of a line while the session was connected)
                       2 the log could not be read, or the command line is wrong
                       3 the audit itself failed (a bug in backup-guard, or too little memory): no verdict
            """;

    private final PrintWriter out;
    private final PrintWriter err;

    public Main(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code;
        try {
            code = new Main(out, err).run(args);
        } catch (RuntimeException | Error e) {
            err.println("backup-guard: internal error, no verdict: " + e.getClass().getName());
            code = INTERNAL_ERROR;
        }
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Options of the audit command. */
    record Options(Path log, LogFormat format, String server, boolean binlog, Set<TableName> nonTransactional,
                   Set<String> backupUsers, Path html, boolean redact, boolean verbose, int maxStatement) {
    }

    public int run(String... args) {
        if (args.length == 0 || List.of("--help", "-h", "help").contains(args[0])) {
            out.print(USAGE);
            out.flush();
            return args.length == 0 ? UNREADABLE : CONSISTENT;
        }
        if (!args[0].equals("audit")) {
            return usage("unknown command '" + args[0] + "' (the command is: audit)");
        }
        Options o;
        try {
            o = options(args);
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        if (o == null) {
            out.print(USAGE);
            out.flush();
            return CONSISTENT;
        }
        try {
            return audit(o);
        } catch (RuntimeException | Error e) {
            return internalError(e, o);
        }
    }

    /**
     * The audit failed: exit 3, never 0 or 1, which are verdicts. The exception's class and where it happened are
     * printed (its message only with --show-literals: it may quote a statement of the log).
     */
    private int internalError(Throwable e, Options o) {
        out.flush();
        boolean memory = e instanceof OutOfMemoryError;
        err.println("backup-guard: internal error, no verdict: the audit of " + o.log() + " failed with "
                + e.getClass().getName() + (o.redact() || e.getMessage() == null ? "" : ": " + e.getMessage()));
        StackTraceElement[] trace = e.getStackTrace();
        for (int i = 0; i < Math.min(8, trace.length); i++) {
            err.println("    at " + trace[i]);
        }
        err.println(memory ? "backup-guard: give the JVM more memory (-Xmx) or lower --max-statement"
                : "backup-guard: this is a bug in backup-guard; please report it with the lines above");
        err.flush();
        return INTERNAL_ERROR;
    }

    private int usage(String problem) {
        err.println("backup-guard: " + problem);
        err.println("Run with --help for the options.");
        err.flush();
        return UNREADABLE;
    }

    static Options options(String[] args) {
        Path log = null;
        LogFormat format = LogFormat.AUTO;
        String server = null;
        boolean binlog = true;
        Set<TableName> nonTransactional = new HashSet<>();
        Set<String> users = new HashSet<>();
        Path html = null;
        boolean redact = true;
        boolean verbose = false;
        int maxStatement = GeneralLogReader.MAX_STATEMENT;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--show-literals" -> redact = false;
                case "--verbose", "-v" -> verbose = true;
                case "--format", "--server", "--binlog", "--non-transactional", "--backup-user", "--html",
                     "--max-statement" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(a + " needs a value");
                        }
                        value = args[++i];
                    }
                    switch (a) {
                        case "--format" -> {
                            try {
                                format = LogFormat.parse(value);
                            } catch (IllegalArgumentException e) {
                                throw new IllegalArgumentException("--format must be auto, file, tsv or csv, not '"
                                        + value + "'");
                            }
                        }
                        case "--server" -> server = value;
                        case "--max-statement" -> maxStatement = chars(value);
                        case "--binlog" -> binlog = switch (value.toLowerCase(Locale.ROOT)) {
                            case "on", "1", "true" -> true;
                            case "off", "0", "false" -> false;
                            default -> throw new IllegalArgumentException("--binlog must be on or off, not '" + value + "'");
                        };
                        case "--non-transactional" -> {
                            for (String t : value.split(",")) {
                                String[] p = t.trim().split("\\.");
                                if (p.length != 2 || p[0].isEmpty() || p[1].isEmpty()) {
                                    throw new IllegalArgumentException("--non-transactional takes db.table names, "
                                            + "not '" + t.trim() + "'");
                                }
                                nonTransactional.add(new TableName(p[0].toLowerCase(Locale.ROOT),
                                        p[1].toLowerCase(Locale.ROOT)));
                            }
                        }
                        case "--backup-user" -> {
                            for (String u : value.split(",")) {
                                if (!u.isBlank()) {
                                    users.add(u.trim().toLowerCase(Locale.ROOT));
                                }
                            }
                        }
                        default -> html = Path.of(value);
                    }
                }
                default -> {
                    if (a.startsWith("-")) {
                        throw new IllegalArgumentException("unknown option " + a);
                    }
                    if (log != null) {
                        throw new IllegalArgumentException("one general log at a time (got '" + log + "' and '" + a + "')");
                    }
                    log = Path.of(a);
                }
            }
        }
        if (log == null) {
            throw new IllegalArgumentException("audit needs the general log to read");
        }
        return new Options(log, format, server, binlog, nonTransactional, users, html, redact, verbose,
                maxStatement);
    }

    /** {@code 1048576}, {@code 64k}, {@code 16m}: from 1k to 1024m chars. */
    static int chars(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        long unit = v.endsWith("k") ? 1024 : v.endsWith("m") ? 1024 * 1024 : 1;
        try {
            long n = Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1)) * unit;
            if (n >= 1024 && n <= 1024L * 1024 * 1024) {
                return (int) n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("--max-statement takes a number of chars from 1k to 1024m (k and m "
                + "suffixes), not '" + value + "'");
    }

    private int audit(Options o) {
        LogHeader header = null;
        if (o.server() == null) {
            try {
                header = GeneralLogReader.header(o.log());
            } catch (NoSuchFileException e) {
                return unreadable(o, "no such file");
            } catch (IOException e) {
                return unreadable(o, e.toString());
            }
        }
        Server server;
        try {
            server = Server.choose(o, header);
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        LogAudit audit = new LogAudit(Role.GUARDRAIL, server::facts, o.backupUsers());
        GeneralLogReader.Info info;
        try {
            info = GeneralLogReader.read(o.log(), o.format(), audit, o.maxStatement());
        } catch (NoSuchFileException e) {
            return unreadable(o, "no such file");
        } catch (IOException e) {
            return unreadable(o, e.toString());
        } catch (LogFormatException e) {
            err.println("backup-guard: cannot read " + o.log() + " as a general log: " + e.getMessage());
            err.flush();
            return UNREADABLE;
        }
        List<AuditedSession> sessions = audit.finish(info.wholeSeconds(), info.endMissing());
        AuditReport report = new AuditReport(o.log().toString(), info.describe(), server.describe(),
                audit.connections(), audit.ordinarySessions(), sessions, o.redact());
        TextReport.write(report, out, o.verbose());
        if (o.html() != null) {
            try {
                HtmlReport.write(report, o.html());
                out.println();
                out.println("HTML report: " + o.html().toAbsolutePath());
            } catch (IOException e) {
                err.println("backup-guard: cannot write the HTML report " + o.html() + ": " + e);
                err.flush();
                return UNREADABLE;
            }
        }
        out.flush();
        return report.allConsistent() ? CONSISTENT : NOT_CONSISTENT;
    }

    private int unreadable(Options o, String why) {
        err.println("backup-guard: cannot read " + o.log() + ": " + why);
        err.flush();
        return UNREADABLE;
    }

    /**
     * The server facts the audit judges with: --server, else the log file's header, else MySQL 8.0 (assumed). The log
     * does not say which tables are transactional: every table is, unless --non-transactional names it.
     */
    record Server(ServerFacts facts, String source) {

        static Server choose(Options o, LogHeader header) {
            ServerFacts.Flavor flavor;
            String version;
            String source;
            if (o.server() != null) {
                String s = o.server().trim().toLowerCase(Locale.ROOT);
                int dash = s.indexOf('-');
                String name = dash < 0 ? s : s.substring(0, dash);
                flavor = switch (name) {
                    case "mariadb" -> ServerFacts.Flavor.MARIADB;
                    case "mysql" -> ServerFacts.Flavor.MYSQL;
                    case "percona" -> ServerFacts.Flavor.PERCONA;
                    default -> throw new IllegalArgumentException("--server must be mariadb, mysql or percona, "
                            + "optionally with -<version>, not '" + o.server() + "'");
                };
                version = dash < 0 ? (flavor == ServerFacts.Flavor.MARIADB ? "11.4.0" : "8.0.0") : s.substring(dash + 1);
                source = "from --server";
            } else if (header != null) {
                String v = header.version().toLowerCase(Locale.ROOT);
                String c = header.comment().toLowerCase(Locale.ROOT);
                flavor = v.contains("mariadb") || c.contains("mariadb") ? ServerFacts.Flavor.MARIADB
                        : c.contains("percona") ? ServerFacts.Flavor.PERCONA : ServerFacts.Flavor.MYSQL;
                version = header.version();
                source = "from the log's header";
            } else {
                flavor = ServerFacts.Flavor.MYSQL;
                version = "8.0.0";
                source = "assumed; give --server mariadb-<version> for a MariaDB log";
            }
            ServerFacts facts;
            try {
                facts = ServerFacts.of(flavor, version);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cannot read the server version '" + version + "'");
            }
            return new Server(facts.withBinlog(o.binlog()).withNonTransactional(o.nonTransactional()), source);
        }

        String describe() {
            String name = switch (facts.flavor()) {
                case MARIADB -> "MariaDB";
                case MYSQL -> "MySQL";
                case PERCONA -> "Percona Server";
            };
            return name + " " + facts.version().text() + " (" + source + "); binary log " + (facts.binlogOn() ? "on" : "off")
                    + "; " + (facts.nonTransactionalTables().isEmpty() ? "every table taken as transactional"
                    : "not transactional: " + facts.nonTransactionalTables());
        }
    }
}
