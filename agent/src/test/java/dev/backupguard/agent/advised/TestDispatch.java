package dev.backupguard.agent.advised;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/** The dispatch class the rewritten samples call in ExitAdviceTest: records calls, can be told to throw. */
public final class TestDispatch {

    public static final List<String> CALLS = new ArrayList<>();
    public static volatile boolean fail;

    private TestDispatch() {
    }

    public static Object connected(int via, Object source, Object a0, Object a1, Object connection) {
        String type = source.getClass().getName(); // not getSimpleName: the sample's outer class is in another loader
        CALLS.add(via + " " + type.substring(type.lastIndexOf('$') + 1) + " " + a0 + " " + (a1 instanceof java.util.Properties p
                ? "props" : a1) + " " + connection);
        if (fail) {
            throw new IllegalStateException("dispatch failed");
        }
        return connection == null ? null : Samples.connection("guarded(" + connection + ")");
    }

    public static boolean guarded(Object connection) {
        CALLS.add("guarded? " + connection);
        if (fail) {
            throw new LinkageError("dispatch failed");
        }
        return connection instanceof Connection c && c.toString().contains("agent");
    }
}
