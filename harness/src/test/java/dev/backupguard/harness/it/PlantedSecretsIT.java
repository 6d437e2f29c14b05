package dev.backupguard.harness.it;

import dev.backupguard.classify.PlantedLiterals;
import dev.backupguard.harness.cli.Main;
import dev.backupguard.jdbc.BackupGuard;
import dev.backupguard.telemetry.jfr.JfrEvents;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import jdk.jfr.Recording;
import jdk.jfr.ValueDescriptor;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Markers planted in literals reach no sink. A guarded backup session on the real server sends every case of
 * {@link PlantedLiterals} (each under the sql_mode it is written for): first as the query it is, whose result proves
 * the marker is a literal on MariaDB 11.4, then inside an INSERT that the guard refuses (a write in the snapshot).
 * The SLF4J log, the JSONL trace, the JFR recording (parsed, and its raw bytes), the refusals' messages, and the audit
 * CLI's text and HTML reports of the session's general log must show the statements and none of the markers.
 */
@WithMariaDb
class PlantedSecretsIT {

    static final Path DIR = Path.of("target/planted-secrets");
    static final long SALT = new SecureRandom().nextLong();

    static MariaDbServer server;
    static String db;
    /** Each case's marker. */
    static final Map<PlantedLiterals, String> MARKERS = new LinkedHashMap<>();
    /** What the server answered to each case: every column of every row of every result. */
    static final Map<PlantedLiterals, String> ANSWERS = new LinkedHashMap<>();
    static final List<String> REFUSALS = new ArrayList<>();
    static Path trace;
    static Path jfr;
    static GeneralLogCapture.Captured log;
    static String cliText;
    static String cliHtml;

    @BeforeAll
    static void plantedLiteralsThroughAGuardedBackup(MariaDbServer s) throws Exception {
        server = s;
        db = server.createDatabase("hx_planted");
        server.execute("CREATE TABLE hx_planted.data (id INT PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO hx_planted.data VALUES (1)");
        Files.createDirectories(DIR);
        trace = DIR.resolve("trace.jsonl");
        jfr = DIR.resolve("planted.jfr");
        Files.deleteIfExists(trace);
        for (int i = 0; i < PlantedLiterals.CASES.size(); i++) {
            PlantedLiterals c = PlantedLiterals.CASES.get(i);
            MARKERS.put(c, c.marker(i, SALT));
        }
        BackupGuard.telemetry(); // the process-wide sinks: SLF4J, JFR
        log = GeneralLogCapture.capture(server, DIR, "planted", PlantedSecretsIT::backupSession);

        Path html = DIR.resolve("planted.html");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new Main(new PrintWriter(out), new PrintWriter(err))
                .run("audit", log.file().toString(), "--verbose", "--html", html.toString());
        assertThat(err.toString()).as("the CLI's errors").isEmpty();
        assertThat(exit).as(out.toString()).isIn(Main.CONSISTENT, Main.NOT_CONSISTENT);
        cliText = out.toString();
        cliHtml = Files.readString(html);
    }

    private static void backupSession() throws Exception {
        String url = "jdbc:backupguard:" + server.mariadbUrl(db).substring("jdbc:".length())
                + "?allowMultiQueries=true&backupguard.session=backup&backupguard.trace.file=" + trace
                + "&user=" + server.rootUser() + "&password=" + server.rootPassword();
        try (Recording recording = new Recording()) {
            for (Class<?> type : JfrEvents.class.getDeclaredClasses()) {
                if (!Modifier.isAbstract(type.getModifiers())) {
                    recording.enable(type.asSubclass(jdk.jfr.Event.class)).withoutStackTrace();
                }
            }
            recording.start();
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                for (Map.Entry<PlantedLiterals, String> e : MARKERS.entrySet()) {
                    PlantedLiterals planted = e.getKey();
                    String sql = planted.sql(e.getValue());
                    st.execute("SET SESSION sql_mode = " + (planted.sqlMode().isEmpty() ? "DEFAULT"
                            : "'" + planted.sqlMode() + "'"));
                    ANSWERS.put(planted, answers(st, sql));
                    try {
                        st.executeUpdate("INSERT INTO data (id) " + sql);
                        throw new AssertionError("the guard let a write into the snapshot: " + sql);
                    } catch (SQLException refused) {
                        REFUSALS.add(refused.getMessage());
                    }
                }
                st.execute("SET SESSION sql_mode = DEFAULT");
            }
            recording.stop();
            recording.dump(jfr);
        }
    }

    /** Every value of every row of every result the statement returned, tab-separated. */
    private static String answers(Statement st, String sql) throws SQLException {
        StringBuilder values = new StringBuilder();
        boolean isResult = st.execute(sql);
        while (isResult || st.getUpdateCount() != -1) {
            if (isResult) {
                try (ResultSet rs = st.getResultSet()) {
                    while (rs.next()) {
                        for (int col = 1; col <= rs.getMetaData().getColumnCount(); col++) {
                            values.append(rs.getString(col)).append('\t');
                        }
                    }
                }
            }
            isResult = st.getMoreResults();
        }
        return values.toString();
    }

    @Test
    void everyMarkerIsALiteralOnTheServer() {
        for (Map.Entry<PlantedLiterals, String> e : MARKERS.entrySet()) {
            assertThat(ANSWERS.get(e.getKey())).as("%s: %s", e.getKey(), e.getKey().sql(e.getValue()))
                    .contains(e.getValue());
        }
    }

    @Test
    void theCliHadEveryMarkerInItsInput() throws Exception {
        String input = log.fileText();
        for (Map.Entry<PlantedLiterals, String> e : MARKERS.entrySet()) {
            // The marker as written: itself, or its hex or bit spelling.
            assertThat(e.getKey().forms(e.getValue())).as("the general log the CLI read: %s", e.getKey())
                    .anyMatch(input::contains);
        }
    }

    @Test
    void noSinkShowsAMarker() throws Exception {
        String traceText = Files.readString(trace);
        String logText = Files.readString(slf4jLog());
        String jfrText = jfrText();
        String jfrBytes = new String(Files.readAllBytes(jfr), StandardCharsets.ISO_8859_1);
        String refusals = String.join("\n", REFUSALS);
        // The sinks saw the statements (redacted), so finding no marker in them means something.
        assertThat(traceText).contains("\"event\":\"statement_step\"").contains("FROM data");
        assertThat(logText).contains("event=statement_step").contains("FROM data");
        assertThat(jfrText).contains("FROM data");
        assertThat(REFUSALS).hasSize(MARKERS.size()).allSatisfy(m -> assertThat(m).contains("INSERT INTO data"));
        assertThat(cliText).contains("FROM data");
        assertThat(cliHtml).contains("FROM data");

        for (Map.Entry<PlantedLiterals, String> e : MARKERS.entrySet()) {
            for (String form : e.getKey().forms(e.getValue())) {
                String what = e.getKey() + " (" + form + ")";
                assertThat(traceText).as("trace file: %s", what).doesNotContain(form);
                assertThat(logText).as("SLF4J log: %s", what).doesNotContain(form);
                assertThat(jfrText).as("JFR events: %s", what).doesNotContain(form);
                assertThat(jfrBytes).as("JFR file, UTF-8: %s", what).doesNotContain(bytes(form, StandardCharsets.UTF_8));
                assertThat(jfrBytes).as("JFR file, UTF-16: %s", what)
                        .doesNotContain(bytes(form, StandardCharsets.UTF_16BE));
                assertThat(refusals).as("refusal messages: %s", what).doesNotContain(form);
                assertThat(cliText).as("audit CLI text report: %s", what).doesNotContain(form);
                assertThat(cliHtml).as("audit CLI HTML report: %s", what).doesNotContain(form);
            }
        }
    }

    private static String jfrText() throws Exception {
        StringBuilder text = new StringBuilder();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            for (ValueDescriptor field : e.getFields()) {
                text.append(field.getName()).append('=').append((Object) e.getValue(field.getName())).append('\n');
            }
        }
        return text.toString();
    }

    private static Path slf4jLog() {
        String file = System.getProperty("org.slf4j.simpleLogger.logFile");
        assertThat(file).as("the failsafe configuration sends SLF4J to a file (harness/pom.xml)").isNotBlank();
        return Path.of(file);
    }

    /** The bytes of {@code text} in {@code charset}, as a Latin-1 string (one char per byte) to search bytes with. */
    private static String bytes(String text, java.nio.charset.Charset charset) {
        return new String(text.getBytes(charset), StandardCharsets.ISO_8859_1);
    }
}
