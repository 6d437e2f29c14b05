package dev.backupguard.telemetry.jmx;

import dev.backupguard.protocol.Mode;

/** The process-wide mode override the MXBean switches; {@code null} means each connection's configured mode. */
public interface ModeSwitch {

    Mode current();

    void switchTo(Mode mode);
}
