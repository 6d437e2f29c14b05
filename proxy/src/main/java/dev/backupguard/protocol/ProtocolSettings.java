package dev.backupguard.protocol;

import java.util.EnumMap;
import java.util.Map;

/**
 * The protocol's settings, fixed per connection.
 *
 * @param mode       enforce, block or audit
 * @param role       backup job or guardrail
 * @param way        how the snapshot is started: auto, or forced
 * @param ruleModes  per-rule overrides of {@code mode}
 * @param ddlLock    also take the server's DDL-only backup lock for the snapshot's life (MySQL 8.0 LOCK INSTANCE FOR
 *                   BACKUP, MariaDB BACKUP STAGE START + BLOCK_DDL), so DDL cannot break it (I7)
 * @param savepoint  the savepoint name used to release metadata locks table by table
 */
public record ProtocolSettings(Mode mode, Role role, SnapshotWay way, Map<Rule, Mode> ruleModes, boolean ddlLock,
                               String savepoint) {

    public static final String DEFAULT_SAVEPOINT = "backup_guard";

    public ProtocolSettings {
        if (mode == null || mode == Mode.OFF) {
            throw new IllegalArgumentException("mode must be enforce, block or audit");
        }
        ruleModes = ruleModes.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(ruleModes));
        if (savepoint == null || savepoint.isBlank()) {
            savepoint = DEFAULT_SAVEPOINT;
        }
    }

    public static ProtocolSettings defaults() {
        return new ProtocolSettings(Mode.ENFORCE, Role.BACKUP_JOB, SnapshotWay.AUTO, Map.of(), false, DEFAULT_SAVEPOINT);
    }

    public static ProtocolSettings of(Mode mode, Role role) {
        return new ProtocolSettings(mode, role, SnapshotWay.AUTO, Map.of(), false, DEFAULT_SAVEPOINT);
    }

    public Mode modeOf(Rule rule) {
        return ruleModes.getOrDefault(rule, mode);
    }

    public ProtocolSettings withMode(Mode m) {
        return new ProtocolSettings(m, role, way, ruleModes, ddlLock, savepoint);
    }

    public ProtocolSettings withRole(Role r) {
        return new ProtocolSettings(mode, r, way, ruleModes, ddlLock, savepoint);
    }

    public ProtocolSettings withWay(SnapshotWay w) {
        return new ProtocolSettings(mode, role, w, ruleModes, ddlLock, savepoint);
    }

    public ProtocolSettings withRuleMode(Rule rule, Mode m) {
        Map<Rule, Mode> copy = new EnumMap<>(Rule.class);
        copy.putAll(ruleModes);
        copy.put(rule, m);
        return new ProtocolSettings(mode, role, way, copy, ddlLock, savepoint);
    }

    public ProtocolSettings withDdlLock(boolean on) {
        return new ProtocolSettings(mode, role, way, ruleModes, on, savepoint);
    }
}
