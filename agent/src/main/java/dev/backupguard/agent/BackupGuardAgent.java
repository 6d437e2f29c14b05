package dev.backupguard.agent;

import java.lang.instrument.Instrumentation;

/**
 * {@code java -javaagent:backup-guard-agent.jar[=key=value,...] -jar job.jar}: guards the JDBC connections of an
 * unmodified program. Deliberately tiny; {@link AgentInstaller} does the work. Whatever fails here, the application
 * still starts: the agent then says so on stderr and guards nothing.
 */
public final class BackupGuardAgent {

    private BackupGuardAgent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation);
    }

    /** Dynamic attach: drivers may be loaded already; they are retransformed. */
    public static void agentmain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation);
    }

    private static void start(String arguments, Instrumentation instrumentation) {
        long started = System.nanoTime();
        try {
            AgentInstaller.install(arguments, instrumentation, started);
        } catch (Throwable t) {
            System.err.println("[backup-guard] ERROR the agent could not start and guards nothing: " + t);
        }
    }
}
