package dev.backupguard.agent;

import dev.backupguard.agent.advised.Samples;
import dev.backupguard.agent.advised.TestDispatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rewritten bytecode, loaded and run: a class loader other than the boot loader verifies it, so a wrong
 * stack-map frame fails here with a VerifyError.
 */
class ExitAdviceTest {

    private final ExitAdvice advice = new ExitAdvice(TestDispatch.class.getName().replace('.', '/'));

    @BeforeEach
    void reset() {
        TestDispatch.CALLS.clear();
        TestDispatch.fail = false;
    }

    @Test
    void everyReturnOfConnectGoesThroughTheDispatch() throws Exception {
        Object driver = load(Samples.Driver.class, ExitAdvice.Target.DRIVER).getConstructor().newInstance();
        Method connect = driver.getClass().getMethod("connect", String.class, Properties.class);
        Properties info = new Properties();
        info.setProperty("user", "backup");

        assertThat(connect.invoke(driver, "jdbc:x:early", info)).hasToString("guarded(early:backup:1)");
        assertThat(connect.invoke(driver, "jdbc:x:late", info)).hasToString("guarded(late:jdbc:x:late:3:1.5)");
        assertThat(connect.invoke(driver, null, info)).isNull();
        assertThat(TestDispatch.CALLS).containsExactly("1 Driver jdbc:x:early props early:backup:1",
                "1 Driver jdbc:x:late props late:jdbc:x:late:3:1.5", "1 Driver null props null");
        // The other connect has another descriptor and is left alone.
        assertThat(driver.getClass().getMethod("connect", String.class).invoke(driver, "u")).isEqualTo("u");
    }

    @Test
    void aThrowingDispatchLeavesTheOriginalConnection() throws Exception {
        Object driver = load(Samples.Driver.class, ExitAdvice.Target.DRIVER).getConstructor().newInstance();
        TestDispatch.fail = true;
        Object c = driver.getClass().getMethod("connect", String.class, Properties.class)
                .invoke(driver, "jdbc:x:late", new Properties());
        assertThat(c).hasToString("late:jdbc:x:late:3:1.5");
        assertThat(TestDispatch.CALLS).hasSize(1);
    }

    @Test
    void anExceptionOfTheMethodItselfPassesUntouched() throws Exception {
        Object driver = load(Samples.Driver.class, ExitAdvice.Target.DRIVER).getConstructor().newInstance();
        Method connect = driver.getClass().getMethod("connect", String.class, Properties.class);
        assertThatThrownBy(() -> connect.invoke(driver, "jdbc:x:fail", new Properties()))
                .isInstanceOf(InvocationTargetException.class).cause().isInstanceOf(SQLException.class)
                .hasMessage("refused");
        assertThat(TestDispatch.CALLS).isEmpty();
    }

    @Test
    void bothPublicGetConnectionsOfADataSourceAreAdvised() throws Exception {
        Class<?> type = load(Samples.DataSource.class, ExitAdvice.Target.DATA_SOURCE);
        Object ds = type.getConstructor().newInstance();
        assertThat(type.getMethod("getConnection").invoke(ds)).hasToString("guarded(ds)");
        assertThat(type.getMethod("getConnection", String.class, String.class).invoke(ds, "u", "p"))
                .hasToString("guarded(ds:u)");
        Method packagePrivate = type.getDeclaredMethod("getConnection", int.class);
        packagePrivate.setAccessible(true);
        assertThat(packagePrivate.invoke(ds, 7)).hasToString("ds7");
        assertThat(TestDispatch.CALLS).containsExactly("2 DataSource null null ds", "2 DataSource u p ds:u");
    }

    @Test
    void theLibrarysIsGuardedAsksTheAgentOnlyWhenItSaysNo() throws Exception {
        Method isGuarded = load(Samples.Library.class, ExitAdvice.Target.LIBRARY).getMethod("isGuarded", Connection.class);
        assertThat(isGuarded.invoke(null, Samples.connection("guarded by the library"))).isEqualTo(true);
        assertThat(isGuarded.invoke(null, Samples.connection("under the agent"))).isEqualTo(true);
        assertThat(isGuarded.invoke(null, Samples.connection("plain"))).isEqualTo(false);
        assertThat(TestDispatch.CALLS).containsExactly("guarded? under the agent", "guarded? plain");
        TestDispatch.fail = true;
        assertThat(isGuarded.invoke(null, Samples.connection("under the agent"))).isEqualTo(false);
    }

    @Test
    void aClassWithoutTheMethodIsNotRewritten() throws IOException {
        assertThat(advice.apply(bytes(Samples.DataSource.class), ExitAdvice.Target.DRIVER)).isNull();
        assertThat(advice.apply(bytes(Samples.Driver.class), ExitAdvice.Target.LIBRARY)).isNull();
    }

    /** Defines the rewritten class in a loader of its own (child-first for that one class). */
    private Class<?> load(Class<?> original, ExitAdvice.Target target) throws Exception {
        byte[] rewritten = advice.apply(bytes(original), target);
        assertThat(rewritten).isNotNull();
        ClassLoader loader = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.equals(original.getName())) {
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> c = findLoadedClass(name);
                        return c != null ? c : defineClass(name, rewritten, 0, rewritten.length);
                    }
                }
                return super.loadClass(name, resolve);
            }
        };
        Class<?> c = Class.forName(original.getName(), true, loader);
        assertThat(c.getClassLoader()).isSameAs(loader);
        return c;
    }

    private static byte[] bytes(Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName().replace('.', '$') + ".class")) {
            if (in != null) {
                return in.readAllBytes();
            }
        }
        String resource = "/" + c.getName().replace('.', '/') + ".class";
        try (InputStream in = c.getResourceAsStream(resource)) {
            return in.readAllBytes();
        }
    }
}
