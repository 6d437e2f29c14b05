package dev.backupguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockingDetails;
import static org.mockito.Mockito.when;

import dev.backupguard.config.Connector;
import dev.backupguard.protocol.Result;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URL;
import java.sql.CallableStatement;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.mockito.invocation.Invocation;

/**
 * The base classes generated at build time (proxy/src/build/java/DelegatingBases.java): every JDBC method a wrapper
 * does not intercept reaches the driver's same method with the same arguments in the same order, and the answered
 * result set refuses what it does not answer with SQLState 0A000 and reads by label what it reads by index.
 */
class GeneratedBasesTest {

    @Test
    void everyMethodAResultSetWrapperDoesNotInterceptDelegatesUnchanged() throws Throwable {
        ResultSet driver = mock(ResultSet.class);
        GuardedResultSet rs = new GuardedResultSet(driver, mock(Statement.class), (r, rows) -> {
        });

        assertThat(delegated(ResultSet.class, rs, driver)).hasSizeGreaterThan(180);
    }

    @Test
    void everyMethodAStatementWrapperDoesNotInterceptDelegatesUnchanged() throws Throwable {
        FakeServer server = new FakeServer();
        PreparedStatement prepared = mock(PreparedStatement.class);
        CallableStatement callable = mock(CallableStatement.class);
        when(server.raw.prepareStatement(anyString())).thenReturn(prepared);
        when(server.raw.prepareCall(anyString())).thenReturn(callable);
        GuardedConnection c = server.guard(Map.of());

        assertThat(delegated(Statement.class, c.createStatement(), server.jobStatement)).hasSizeGreaterThan(25);
        assertThat(delegated(PreparedStatement.class, c.prepareStatement("SELECT ?"), prepared))
                .hasSizeGreaterThan(75);
        assertThat(delegated(CallableStatement.class, c.prepareCall("CALL p(?)"), callable))
                .hasSizeGreaterThan(190);
    }

    @Test
    void answeredResultSetRefusesWhatItDoesNotAnswerAndReadsByLabelAsByIndex() throws Exception {
        Result.Rows rows = new Result.Rows(List.of(Result.Column.varchar("File"), Result.Column.bigint("Position")),
                List.of(List.of("binlog.000001", 4242L)));
        AnsweredResultSet rs = new AnsweredResultSet(rows, mock(Statement.class), Connector.EITHER);
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("File")).isEqualTo(rs.getString(1));
        assertThat(rs.getLong("position")).isEqualTo(4242L);
        assertThat(rs.getObject("Position", Long.class)).isEqualTo(4242L);

        int refused = 0;
        for (Method m : ResultSet.class.getMethods()) {
            Method impl = AnsweredResultSet.class.getMethod(m.getName(), m.getParameterTypes());
            if (m.getDeclaringClass() == java.sql.Wrapper.class || !refusedByBase(impl)) {
                continue;
            }
            Object[] args = arguments(m);
            if (byLabel(m)) {
                args[0] = "File"; // read by index: refused there
            }
            assertThatThrownBy(() -> invoke(rs, m, args)).as(m.toString())
                    .isInstanceOf(SQLFeatureNotSupportedException.class)
                    .hasMessageContaining(m.getName())
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"));
            refused++;
        }
        assertThat(refused).as("nearly all of ResultSet").isGreaterThan(140);
    }

    /**
     * Calls every method of {@code api} that the wrapper leaves to its generated base, each with arguments distinct
     * per position, and checks that the driver's object got exactly that call. Returns the methods checked.
     */
    private static List<Method> delegated(Class<?> api, Object wrapper, Object driver) throws Throwable {
        List<Method> checked = new ArrayList<>();
        for (Method m : api.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            Method impl = wrapper.getClass().getMethod(m.getName(), m.getParameterTypes());
            if (!impl.getDeclaringClass().getSimpleName().startsWith("Delegating")) {
                continue; // intercepted by the wrapper
            }
            Object[] args = arguments(m);
            clearInvocations(driver);
            invoke(wrapper, m, args);
            List<Invocation> calls = new ArrayList<>(mockingDetails(driver).getInvocations());
            assertThat(calls).as(m.toString()).singleElement().satisfies(call -> {
                assertThat(call.getMethod().getName()).isEqualTo(m.getName());
                assertThat(call.getMethod().getParameterTypes()).isEqualTo(m.getParameterTypes());
                assertThat(call.getArguments()).containsExactly(args);
            });
            checked.add(m);
        }
        return checked;
    }

    /** A method the answered result set leaves to its base, which refuses it itself or by the index it reads by. */
    private static boolean refusedByBase(Method impl) throws NoSuchMethodException {
        if (impl.getDeclaringClass() != RefusingResultSet.class) {
            return false;
        }
        if (!byLabel(impl)) {
            return true;
        }
        Class<?>[] byIndex = impl.getParameterTypes().clone();
        byIndex[0] = int.class;
        return AnsweredResultSet.class.getMethod(impl.getName(), byIndex).getDeclaringClass() == RefusingResultSet.class;
    }

    private static boolean byLabel(Method m) {
        return m.getParameterCount() > 0 && m.getParameterTypes()[0] == String.class;
    }

    private static void invoke(Object target, Method m, Object[] args) throws Throwable {
        try {
            m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** One argument per parameter, each distinct from the others of its type, so a swap would show. */
    private static Object[] arguments(Method m) throws Exception {
        Class<?>[] types = m.getParameterTypes();
        Object[] out = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            out[i] = argument(types[i], i + 1);
        }
        return out;
    }

    private static Object argument(Class<?> t, int n) throws Exception {
        Map<Class<?>, Object> values = new HashMap<>();
        values.put(int.class, 100 + n);
        values.put(long.class, 200L + n);
        values.put(short.class, (short) (300 + n));
        values.put(byte.class, (byte) n);
        values.put(double.class, 0.5 + n);
        values.put(float.class, 0.25f + n);
        values.put(boolean.class, true);
        values.put(String.class, "arg" + n);
        values.put(Object.class, "object" + n);
        values.put(int[].class, new int[]{n});
        values.put(String[].class, new String[]{"name" + n});
        values.put(byte[].class, new byte[]{(byte) n});
        values.put(BigDecimal.class, BigDecimal.valueOf(n));
        values.put(Date.class, new Date(n));
        values.put(Time.class, new Time(n));
        values.put(Timestamp.class, new Timestamp(n));
        values.put(Calendar.class, Calendar.getInstance());
        values.put(Map.class, new HashMap<String, Class<?>>());
        values.put(Class.class, java.io.Serializable.class);
        values.put(InputStream.class, new ByteArrayInputStream(new byte[n]));
        values.put(Reader.class, new StringReader("reader" + n));
        values.put(URL.class, URI.create("http://example.com/" + n).toURL());
        if (values.containsKey(t)) {
            return values.get(t);
        }
        if (t.isInterface()) {
            return mock(t); // Blob, Clob, Array, Ref, RowId, SQLXML, NClob, SQLType
        }
        throw new AssertionError("no argument for " + t);
    }
}
