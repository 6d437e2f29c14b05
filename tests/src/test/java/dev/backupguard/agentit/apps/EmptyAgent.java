package dev.backupguard.agentit.apps;

import java.lang.instrument.Instrumentation;

/** An agent that does nothing: the benchmark's floor, what any -javaagent costs a JVM's start. */
public final class EmptyAgent {

    private EmptyAgent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) {
        // nothing
    }
}
