package dev.backupguard.harness.generallog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The readers on general logs captured from the real server (src/test/resources/generallog, written by the
 * integration tests) and on broken input, which must be refused with the line and what was expected.
 */
class GeneralLogReaderTest {

    static final Path SAMPLES = Path.of("src/test/resources/generallog");

    static List<LogRow> read(Path file, LogFormat format) throws Exception {
        List<LogRow> rows = new ArrayList<>();
        GeneralLogReader.read(file, format, rows::add);
        return rows;
    }

    static List<LogRow> read(String text) throws Exception {
        List<LogRow> rows = new ArrayList<>();
        GeneralLogReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), LogFormat.AUTO, rows::add);
        return rows;
    }

    @Test
    void theLogFileTheTsvExportAndTheCsvFileOfOneCaptureHoldTheSameEntries() throws Exception {
        String base = "mariadb-dump-single-transaction-flush-logs";
        List<LogRow> file = read(SAMPLES.resolve(base + ".log"), LogFormat.AUTO);
        List<LogRow> tsv = read(SAMPLES.resolve(base + ".tsv"), LogFormat.AUTO);
        List<LogRow> csv = read(SAMPLES.resolve(base + ".csv"), LogFormat.AUTO);
        // The exports were taken after the capture: they also hold the exporting client's own session.
        long dumpThread = file.get(0).threadId();
        assertThat(file).allMatch(r -> r.threadId() == dumpThread);
        List<String> fromFile = file.stream().map(r -> r.command() + " " + r.argument()).toList();
        assertThat(tsv.stream().filter(r -> r.threadId() == dumpThread).map(r -> r.command() + " " + r.argument()))
                .containsExactlyElementsOf(fromFile);
        assertThat(csv.stream().filter(r -> r.threadId() == dumpThread).map(r -> r.command() + " " + r.argument()))
                .containsExactlyElementsOf(fromFile);
        // FLUSH LOGS reopened the file: its header is written again mid-file, and the Refresh entry is there.
        assertThat(Files.readString(SAMPLES.resolve(base + ".log"))).containsPattern("(?s)started with:.*started with:");
        assertThat(fromFile).contains("Refresh ", "Query FLUSH TABLES WITH READ LOCK", "Quit ");
        // Times: whole seconds in the file, microseconds in the table.
        assertThat(tsv.get(1).time().getNano()).isNotZero();
        assertThat(file.get(0).time().getNano()).isZero();
    }

    @Test
    void headerTellsTheServerAndTimesAreWholeSecondsInMariadbsFile() throws Exception {
        Path log = SAMPLES.resolve("mariadb-dump-single-transaction.log");
        GeneralLogReader.Info info = GeneralLogReader.read(log, LogFormat.AUTO, r -> { });
        assertThat(info.format()).isEqualTo(LogFormat.FILE);
        assertThat(info.serverVersion()).isEqualTo("11.4.5-MariaDB-log");
        assertThat(info.serverComment()).isEqualTo("MariaDB Server");
        assertThat(info.wholeSeconds()).isTrue();
        assertThat(GeneralLogReader.header(log)).isEqualTo(info.header());
        assertThat(GeneralLogReader.header(SAMPLES.resolve("mariadb-dump-single-transaction.tsv"))).isNull();
    }

    @Test
    void multiLineStatementsOfTheFileAreOneEntryWithTheirLineBreaks() throws Exception {
        List<LogRow> rows = read(SAMPLES.resolve("legacy-jobs.log"), LogFormat.FILE);
        LogRow select = rows.stream().filter(r -> r.argument().startsWith("SELECT id,")).findFirst().orElseThrow();
        assertThat(select.argument()).isEqualTo("SELECT id,\n       owner\n  FROM accounts\n ORDER BY id");
        LogRow next = rows.get(rows.indexOf(select) + 1);
        assertThat(next.line()).as("the entry after it starts after its continuation lines").isEqualTo(select.line() + 4);
        // In the TSV export the same statement is one line, its line breaks escaped.
        List<LogRow> tsv = read(SAMPLES.resolve("legacy-jobs.tsv"), LogFormat.TSV);
        assertThat(tsv).anyMatch(r -> r.argument().equals(select.argument()));
    }

    @Test
    void anExportWithAHeaderRowInRfc4180IsReadLikeTheServersOwnCsv(@TempDir Path dir) throws Exception {
        List<LogRow> rows = read(SAMPLES.resolve("legacy-jobs.tsv"), LogFormat.TSV);
        // Written the way spreadsheet tools and most exporters write CSV: a header, quotes doubled, raw line breaks.
        StringBuilder csv = new StringBuilder("thread_id,event_time,command_type,argument\r\n");
        for (LogRow r : rows) {
            csv.append(r.threadId()).append(',').append(r.time().toString().replace('T', ' ')).append(',')
                    .append(r.command()).append(",\"").append(r.argument().replace("\"", "\"\"")).append("\"\r\n");
        }
        Path file = dir.resolve("export.csv");
        Files.writeString(file, csv);
        List<LogRow> back = read(file, LogFormat.AUTO);
        assertThat(back).hasSameSizeAs(rows);
        for (int i = 0; i < rows.size(); i++) {
            assertThat(back.get(i).argument()).isEqualTo(rows.get(i).argument());
            assertThat(back.get(i).threadId()).isEqualTo(rows.get(i).threadId());
            assertThat(back.get(i).time()).isEqualTo(rows.get(i).time());
        }
    }

    @Test
    void aGzippedLogIsReadAsItIs(@TempDir Path dir) throws Exception {
        Path log = SAMPLES.resolve("mariadb-dump-defaults.log");
        Path gz = dir.resolve("general.log.1.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(log, out);
        }
        assertThat(read(gz, LogFormat.AUTO)).usingRecursiveFieldByFieldElementComparator()
                .containsExactlyElementsOf(read(log, LogFormat.AUTO));
    }

    @Test
    void mysqlFileFormatWithIsoTimesOnEveryEntry() throws Exception {
        List<LogRow> rows = read("""
                /usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:
                Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock
                Time                 Id Command    Argument
                2025-06-01T10:00:00.123456Z\t   12 Connect\tbackup@localhost on shop using Socket
                2025-06-01T10:00:00.124001Z\t   12 Query\tSELECT a,
                  b FROM t
                2025-06-01T10:00:00.125000Z\t   12 Quit\t
                """);
        assertThat(rows).extracting(LogRow::command).containsExactly("Connect", "Query", "Quit");
        assertThat(rows.get(1).argument()).isEqualTo("SELECT a,\n  b FROM t");
        assertThat(rows.get(1).time().getNano()).isEqualTo(124_001_000);
        assertThat(rows.get(2).line()).isEqualTo(7);
    }

    @Test
    void eventTimesAreReadToTheMicrosecondInEveryForm() {
        assertThat(DelimitedLogParser.time("2025-06-01 10:00:00.123456"))
                .isEqualTo(java.time.LocalDateTime.of(2025, 6, 1, 10, 0, 0, 123_456_000));
        assertThat(DelimitedLogParser.time("2025-06-01 10:00:00.1")).isEqualTo(java.time.LocalDateTime.of(2025, 6, 1,
                10, 0, 0, 100_000_000));
        assertThat(DelimitedLogParser.time("2025-06-01 23:59:59")).isEqualTo(java.time.LocalDateTime.of(2025, 6, 1,
                23, 59, 59));
        assertThat(DelimitedLogParser.time("2025-06-01T10:00:00.5")).isEqualTo(java.time.LocalDateTime.of(2025, 6, 1,
                10, 0, 0, 500_000_000));
        assertThatThrownBy(() -> DelimitedLogParser.time("2025-13-01 10:00:00"))
                .isInstanceOf(java.time.format.DateTimeParseException.class);
    }

    @Test
    void garbageIsRefusedAtLineOne() {
        assertThatThrownBy(() -> read("hello world\n"))
                .isInstanceOf(LogFormatException.class)
                .hasMessageStartingWith("line 1: expected a general log file header or entry")
                .hasMessageContaining("found 'hello world'");
    }

    @Test
    void aLineThatIsNeitherHeaderNorEntryBeforeTheFirstEntryIsRefused() {
        assertThatThrownBy(() -> read("""
                /usr/sbin/mariadbd, Version: 11.4.5-MariaDB-log (MariaDB Server). started with:
                Tcp port: 3306  Unix socket: /run/mysqld/mysqld.sock
                Time\t\t    Id Command\tArgument
                what is this
                """))
                .isInstanceOf(LogFormatException.class)
                .hasMessageStartingWith("line 4: expected a general log header")
                .satisfies(e -> assertThat(((LogFormatException) e).line()).isEqualTo(4));
    }

    @Test
    void aTsvRowWithTheWrongNumberOfFieldsIsRefusedWithItsLine() {
        assertThatThrownBy(() -> read("""
                event_time\tuser_host\tthread_id\tserver_id\tcommand_type\targument
                2025-06-01 10:00:00.000001\troot[root] @ localhost []\t5\t1\tQuery\tSELECT 1
                2025-06-01 10:00:00.000002\troot[root] @ localhost []\t5\t1\tQuery
                """))
                .hasMessageStartingWith("line 3: expected 6 tab-separated fields (as in the header row)");
    }

    @Test
    void aThreadIdThatIsNotANumberIsRefused() {
        assertThatThrownBy(() -> read("\"2025-06-01 10:00:00.000001\",\"root\",five,1,\"Query\",\"SELECT 1\"\n"))
                .hasMessageStartingWith("line 1: expected a thread id (a number) in column thread_id")
                .hasMessageContaining("found 'five'");
    }

    @Test
    void aQuoteStillOpenAtTheEndOfTheFileIsALogCutInsideThatRow() throws Exception {
        List<LogRow> rows = new ArrayList<>();
        GeneralLogReader.Info info = GeneralLogReader.read(new ByteArrayInputStream("""
                "2025-06-01 10:00:00.000001","root",5,1,"Query","SELECT 1"
                "2025-06-01 10:00:00.000002","root",5,1,"Query","SELECT 'never closed
                """.getBytes(StandardCharsets.UTF_8)), LogFormat.AUTO, rows::add);
        assertThat(info.endMissing()).isTrue();
        assertThat(info.describe()).contains("THE LOG IS CUT");
        assertThat(rows).extracting(LogRow::endMissing).containsExactly(false, true);
        assertThat(rows.get(1).argument()).isEqualTo("SELECT 'never closed");
    }

    @Test
    void aLineLongerThanTheBoundIsReadInPartAndTheNextOneWhole() throws Exception {
        String log = "/usr/sbin/mariadbd, Version: 11.4.5-MariaDB-log (MariaDB Server). started with:\n"
                + "251122  1:30:05\t     5 Query\tSELECT '" + "x".repeat(10_000) + "'\n"
                + "\t\t     5 Query\tSELECT 2\n"
                + "\t\t     5 Query\tSELECT 3,\n" + "y".repeat(3_000) + "\n" + "z".repeat(3_000) + "\n";
        List<LogRow> rows = new ArrayList<>();
        GeneralLogReader.Info info = GeneralLogReader.read(new ByteArrayInputStream(log.getBytes(StandardCharsets.UTF_8)),
                LogFormat.AUTO, rows::add, 4096);

        assertThat(rows).extracting(LogRow::cut).containsExactly(true, false, true);
        assertThat(rows.get(0).argument()).hasSizeLessThanOrEqualTo(4096).startsWith("SELECT 'xxx");
        assertThat(rows.get(0).length()).isEqualTo(10_009);
        assertThat(rows.get(1).argument()).isEqualTo("SELECT 2");
        assertThat(rows.get(2).argument()).hasSize(4096).startsWith("SELECT 3,\nyyy");
        assertThat(rows.get(2).length()).isEqualTo(9 + 1 + 3_000 + 1 + 3_000);
        assertThat(info.cutEntries()).isEqualTo(2);
        assertThat(info.endMissing()).isFalse();
    }

    @Test
    void aLineOfHundredsOfMegabytesIsReadInBoundedMemory() throws Exception {
        // 300 MB in one line, never held: the stream makes it up as it is read.
        long size = 300L << 20;
        byte[] head = "2025-06-01 10:00:00.000001\troot\t5\t1\tQuery\tSELECT '".getBytes(StandardCharsets.US_ASCII);
        java.io.InputStream huge = new java.io.InputStream() {
            long at;

            @Override
            public int read() {
                long i = at++;
                return i < head.length ? head[(int) i] : i < head.length + size ? 'x' : i == head.length + size
                        ? '\n' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (at >= head.length && at < head.length + size) {
                    int n = (int) Math.min(len, head.length + size - at);
                    java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                    at += n;
                    return n;
                }
                int c = read();
                if (c < 0) {
                    return -1;
                }
                b[off] = (byte) c;
                return 1;
            }
        };
        List<LogRow> rows = new ArrayList<>();
        GeneralLogReader.read(huge, LogFormat.TSV, rows::add);
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.cut()).isTrue();
            assertThat(r.argument()).hasSize(GeneralLogReader.MAX_STATEMENT - "2025-06-01 10:00:00.000001\troot\t5\t1\tQuery\t".length());
            assertThat(r.length()).isEqualTo(8 + size);
        });
    }

    @Test
    void binaryAndEmptyFilesAreRefused() {
        assertThatThrownBy(() -> GeneralLogReader.read(new ByteArrayInputStream(new byte[]{(byte) 0xfe, 0x62, 0x69,
                0x6e, 0}), LogFormat.AUTO, r -> { })).hasMessageContaining("found binary data");
        assertThatThrownBy(() -> read("\n\n")).hasMessageContaining("found an empty file");
    }

    @Test
    void aBadTimeIsRefused() throws IOException {
        assertThatThrownBy(() -> read("""
                thread_id\tevent_time\tcommand_type\targument
                5\tyesterday\tQuery\tSELECT 1
                """)).hasMessageStartingWith("line 2: expected a time like 2025-06-01 10:00:00.123456 in column event_time");
    }
}
