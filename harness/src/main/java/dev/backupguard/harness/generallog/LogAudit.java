package dev.backupguard.harness.generallog;

import dev.backupguard.harness.audit.AuditedSession;
import dev.backupguard.harness.audit.Origin;
import dev.backupguard.harness.audit.SentStatement;
import dev.backupguard.harness.audit.SessionAudit;
import dev.backupguard.protocol.Role;
import dev.backupguard.protocol.ServerFacts;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Audits a general log: groups its entries by connection, feeds each connection's statements to a {@link SessionAudit}
 * and keeps the connections that were backup sessions.
 *
 * <p>What counts as a statement (docs/server-facts.md, fact 7): {@code Query} rows (text statements, also client-side
 * prepared ones, which drivers inline), {@code Execute} rows (server-side prepared statements, logged with their
 * values); {@code Init DB} is the protocol's change of database and is fed as {@code USE}; {@code Refresh} is a FLUSH
 * sent as a protocol command (what {@code mariadb-dump --flush-logs} sends for FLUSH LOGS) and is fed as
 * {@code FLUSH LOGS}. {@code Prepare},
 * {@code Close stmt}, {@code Ping} and the like send nothing that changes the session. A {@code Connect},
 * {@code Change user} or {@code Reset connection} row starts a new session on the thread; {@code Quit} ends it.
 */
public final class LogAudit implements Consumer<LogRow> {

    /** Statements kept before a session turns out to be a backup session: context for the report. */
    private static final int KEEP_BEFORE = 20;

    private final Role role;
    private final Supplier<ServerFacts> facts;
    private final Set<String> backupUsers;
    private final Map<Long, Live> live = new HashMap<>();
    private final List<Live> ended = new ArrayList<>();
    private int connections;
    private int ordinary;

    /**
     * @param role        {@link Role#GUARDRAIL}: only unmistakable backup statements make a backup session
     * @param facts       the server's facts (asked for once per backup session)
     * @param backupUsers users whose every connection is a backup session (lower case), like backupguard.backup-users
     */
    public LogAudit(Role role, Supplier<ServerFacts> facts, Set<String> backupUsers) {
        this.role = role;
        this.facts = facts;
        this.backupUsers = backupUsers;
    }

    private final class Live {
        final SessionAudit audit = new SessionAudit(role, facts, KEEP_BEFORE);
        final long thread;
        final long firstLine;
        final boolean startedBefore;
        final String user;
        final String database;
        long end = -1;

        Live(long thread, long firstLine, boolean startedBefore, String user, String database) {
            this.thread = thread;
            this.firstLine = firstLine;
            this.startedBefore = startedBefore;
            this.user = user;
            this.database = database;
            audit.currentSchema(database);
            if (user != null && backupUsers.contains(user.toLowerCase(Locale.ROOT))) {
                audit.markBackup();
            }
        }
    }

    @Override
    public void accept(LogRow row) {
        Live s = live.get(row.threadId());
        switch (row.command()) {
            case "Connect", "Change user", "Reset connection" -> {
                String user = row.command().equals("Reset connection") && s != null ? s.user : user(row);
                String db = row.command().equals("Reset connection") && s != null ? s.database : database(row);
                if (s != null) {
                    s.end = micros(row.time());
                    finish(s);
                }
                live.put(row.threadId(), open(row, false, user, db));
            }
            case "Quit" -> {
                if (s != null) {
                    s.end = micros(row.time());
                    finish(s);
                    live.remove(row.threadId());
                }
            }
            case "Query", "Execute", "Init DB", "Refresh" -> {
                if (s == null) {
                    s = open(row, true, userFromColumn(row.userHost()), null);
                    live.put(row.threadId(), s);
                }
                String sql = switch (row.command()) {
                    case "Init DB" -> "USE `" + row.argument().replace("`", "``") + "`";
                    // COM_REFRESH: a FLUSH sent as a protocol command, logged without its options. mysqldump and
                    // mariadb-dump --flush-logs send FLUSH LOGS this way (mysql_refresh(REFRESH_LOG)); every FLUSH
                    // commits implicitly, which is what the protocol needs to know.
                    case "Refresh" -> "FLUSH LOGS";
                    default -> row.argument();
                };
                s.audit.add(new SentStatement(sql, Origin.CLIENT, row.command().equals("Query") ? null : row.command(),
                        row.line(), micros(row.time()), -1, 0, incomplete(row)));
            }
            default -> {
                // Prepare (the Execute rows carry the statement), Close stmt, Ping, Field List, ...: nothing the
                // session protocol needs.
            }
        }
    }

    /** Why only part of the entry's statement is in the log, or null. */
    private static String incomplete(LogRow row) {
        if (row.endMissing()) {
            return "the log ends inside this statement: the rest of it, and whatever the session sent after it, is "
                    + "missing";
        }
        if (row.cut()) {
            return "a statement of " + row.length() + " chars, of which the first " + row.argument().length()
                    + " were read (--max-statement): judged on its start";
        }
        return null;
    }

    private Live open(LogRow row, boolean startedBefore, String user, String db) {
        connections++;
        return new Live(row.threadId(), row.line(), startedBefore, user, db);
    }

    private void finish(Live s) {
        if (s.audit.isBackupSession()) {
            ended.add(s); // judged at the end, when the log's time resolution is known
        } else {
            ordinary++;
        }
    }

    /**
     * Ends every session still open at the end of the log; returns the backup sessions in order of appearance.
     *
     * @param wholeSeconds the log's times are whole seconds (MariaDB's log file)
     */
    public List<AuditedSession> finish(boolean wholeSeconds) {
        return finish(wholeSeconds, false);
    }

    /**
     * The same for a log that may be cut.
     *
     * @param logCut the log ends in the middle of a line: the sessions still connected then are missing their end,
     *               and none of them can be called consistent
     */
    public List<AuditedSession> finish(boolean wholeSeconds, boolean logCut) {
        List<Live> open = new ArrayList<>(live.values());
        open.sort(Comparator.comparingLong(l -> l.firstLine));
        for (Live s : open) {
            if (logCut) {
                s.audit.gap("the log is cut (it ends in the middle of a line) while this session was still "
                        + "connected: its end is missing");
            }
            finish(s);
        }
        live.clear();
        ended.sort(Comparator.comparingLong(l -> l.firstLine));
        List<AuditedSession> out = new ArrayList<>(ended.size());
        for (Live s : ended) {
            out.add(s.audit.finish("thread " + s.thread, s.user, s.database, s.startedBefore, s.end, true,
                    wholeSeconds ? 1_000_000 : 1));
        }
        return out;
    }

    /** Connections (sessions) seen in the log. */
    public int connections() {
        return connections;
    }

    /** Sessions that were not backup sessions. */
    public int ordinarySessions() {
        return ordinary;
    }

    static long micros(LocalDateTime t) {
        if (t == null) {
            return -1;
        }
        return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1_000;
    }

    /** {@code root@127.0.0.1 on shop using TCP/IP} (Connect) or the user_host column. */
    private static String user(LogRow row) {
        String a = row.argument();
        int at = a.indexOf('@');
        if (at > 0) {
            return a.substring(0, at).trim();
        }
        return userFromColumn(row.userHost());
    }

    private static String database(LogRow row) {
        String a = row.argument();
        int on = a.indexOf(" on ");
        if (on < 0) {
            return null;
        }
        int using = a.indexOf(" using ", on);
        String db = (using < 0 ? a.substring(on + 4) : a.substring(on + 4, using)).trim();
        return db.isEmpty() ? null : db;
    }

    /** {@code root[root] @ localhost [127.0.0.1]}: the user before the bracket. */
    static String userFromColumn(String userHost) {
        if (userHost == null || userHost.isEmpty()) {
            return null;
        }
        int b = userHost.indexOf('[');
        String u = (b >= 0 ? userHost.substring(0, b) : userHost.split("@")[0]).trim();
        return u.isEmpty() ? null : u;
    }
}
