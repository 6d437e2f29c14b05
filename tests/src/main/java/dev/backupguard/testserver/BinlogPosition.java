package dev.backupguard.testserver;

/**
 * A binary log position as {@code SHOW BINLOG STATUS} reports it: the current file and the offset of its end.
 * Ordered by file name (the numeric suffix is zero-padded, so names sort in creation order) and then offset.
 *
 * @param file     e.g. {@code binlog.000001}
 * @param position the byte offset in that file
 */
public record BinlogPosition(String file, long position) implements Comparable<BinlogPosition> {

    @Override
    public int compareTo(BinlogPosition other) {
        int byFile = file.compareTo(other.file);
        return byFile != 0 ? byFile : Long.compare(position, other.position);
    }

    public boolean isAfter(BinlogPosition other) {
        return compareTo(other) > 0;
    }

    @Override
    public String toString() {
        return file + ':' + position;
    }
}
