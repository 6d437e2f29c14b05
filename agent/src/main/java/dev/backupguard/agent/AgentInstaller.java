package dev.backupguard.agent;

import dev.backupguard.agent.bridge.ConnectionDispatch;
import dev.backupguard.agent.logging.AgentLog;
import dev.backupguard.agent.logging.slf4j.Logger;
import dev.backupguard.config.Settings;
import dev.backupguard.config.SettingsSources;

import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.sql.Driver;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads the settings, installs the transformer and prints the settings once. The classes to advise are named, so
 * every other class the JVM loads costs one hash lookup; {@code backupguard.agent.any-driver=true} adds every
 * {@code java.sql.Driver} implementation at the price of a byte search per loaded class.
 */
final class AgentInstaller {

    private static final Logger LOG = AgentLog.logger("dev.backupguard.agent");

    /** Declare {@code connect(String, Properties)}: Connector/J 8+, 5.1, MariaDB Connector/J 3.4+, 2.x to 3.3. */
    static final String[] DRIVERS = {
            "com.mysql.cj.jdbc.NonRegisteringDriver",
            "com.mysql.jdbc.NonRegisteringDriver",
            "org.mariadb.jdbc.NonRegisteringDriver",
            "org.mariadb.jdbc.Driver",
    };

    /**
     * Their {@code getConnection} is advised: MariaDB's DataSource connects through a static method of its driver,
     * not {@code connect}; the pools hand out logical connections whose close ends a backup session. Connector/J's
     * {@code MysqlDataSource} goes through {@code connect} but is advised as the public entry point, so that its
     * pooled and XA subclasses (which cast the result to Connector/J's own type) are left alone (see {@link Callers}).
     */
    static final String[] DATA_SOURCES = {
            "com.mysql.cj.jdbc.MysqlDataSource",
            "com.mysql.jdbc.jdbc2.optional.MysqlDataSource",
            "org.mariadb.jdbc.MariaDbDataSource",
            "org.mariadb.jdbc.MariaDbPoolDataSource",
            "com.zaxxer.hikari.HikariDataSource",
    };

    private AgentInstaller() {
    }

    static void install(String arguments, Instrumentation instrumentation, long startedNanos) {
        Map<String, String> agentArguments = AgentArguments.parse(arguments);
        SettingsSources.agentArguments(agentArguments);
        // Never throws: unknown keys are WARN lines, invalid values ERROR lines, and on-config-error says what follows.
        Settings settings = SettingsSources.process();
        if (!settings.enabled()) {
            AgentLog.bindToStderr();
            LOG.warn("backup-guard agent is OFF and guards nothing: the settings turn it off (see the line above)");
            return;
        }
        ConnectionHook hook = new ConnectionHook();
        if (!ConnectionDispatch.install(hook)) {
            AgentLog.bindToStderr();
            LOG.warn("backup-guard agent: another backup-guard agent is active in this JVM already; this one stays idle");
            return;
        }
        boolean anyDriver = settings.agentAnyDriver();
        FailureLog failures = new FailureLog();
        GuardTransformer transformer = new GuardTransformer(DRIVERS, DATA_SOURCES, anyDriver,
                new BridgeLocator(instrumentation, hook), failures);
        instrumentation.addTransformer(transformer, true);
        retransformLoaded(instrumentation, transformer, anyDriver, failures);
        // Held lines reach stderr at exit if the program never connects (see AgentLog).
        Runtime.getRuntime().addShutdownHook(new HeldLinesAtExit());
        long micros = (System.nanoTime() - startedNanos) / 1000;
        String line = "backup-guard agent {} on Java {}: guarding {}; {}; sources: {}; installed in {}.{} ms{}";
        Object[] values = {version(), System.getProperty("java.runtime.version"), anyDriver
                ? "every java.sql.Driver, MySQL and MariaDB DataSources, HikariCP"
                : "MySQL Connector/J, MariaDB Connector/J (DriverManager, DataSource), HikariCP",
                settings.describe(), sources(agentArguments, settings), micros / 1000, (micros % 1000) / 100,
                settings.configError() == null ? "" : "; " + settings.configError()};
        if (settings.configError() == null) {
            LOG.info(line, values);
        } else {
            LOG.warn(line, values);
        }
    }

    /** Drivers loaded before the agent (dynamic attach): their methods are rewritten in place. */
    private static void retransformLoaded(Instrumentation instrumentation, GuardTransformer transformer,
                                          boolean anyDriver, FailureLog failures) {
        if (!instrumentation.isRetransformClassesSupported()) {
            return;
        }
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> c : instrumentation.getAllLoadedClasses()) {
            if (c.getClassLoader() != null && !c.isInterface() && !c.isArray()
                    && (transformer.isNamed(c.getName().replace('.', '/')) || anyDriver && Driver.class.isAssignableFrom(c))
                    && instrumentation.isModifiableClass(c)) {
                loaded.add(c);
            }
        }
        for (Class<?> c : loaded) {
            try {
                instrumentation.retransformClasses(c);
            } catch (UnmodifiableClassException | RuntimeException | LinkageError e) {
                failures.once("retransform:" + c.getName(), "backup-guard agent could not instrument the loaded class "
                        + c.getName() + "; its connections are NOT guarded", e);
            }
        }
    }

    /** Where the settings came from, by key (values are in the settings line; nothing secret is printed). */
    private static String sources(Map<String, String> agentArguments, Settings settings) {
        StringBuilder b = new StringBuilder();
        b.append("agent arguments {").append(AgentArguments.describe(agentArguments)).append('}');
        TreeSet<String> env = new TreeSet<>();
        for (String name : System.getenv().keySet()) {
            if (name.startsWith("BACKUPGUARD_")) {
                env.add(name);
            }
        }
        TreeSet<String> props = new TreeSet<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.toLowerCase(Locale.ROOT).startsWith(AgentArguments.PREFIX)) {
                props.add(name);
            }
        }
        b.append(", environment ").append(env).append(", system properties ").append(props);
        String file = settings.effective().get("config.file");
        if (file != null && !file.isBlank()) {
            b.append(", config file ").append(file);
        }
        return b.toString();
    }

    /** Prints lines still held back at exit (the program never connected); a class, not a lambda (start-up cost). */
    private static final class HeldLinesAtExit extends Thread {
        HeldLinesAtExit() {
            super("backup-guard-log");
        }

        @Override
        public void run() {
            AgentLog.bindToStderr();
        }
    }

    private static String version() {
        String v = AgentInstaller.class.getPackage().getImplementationVersion();
        return v != null ? v : "(development)";
    }
}
