package dev.backupguard.agent;

import dev.backupguard.agent.bridge.ConnectionDispatch;

import java.lang.instrument.ClassFileTransformer;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.HashMap;
import java.util.Map;

/**
 * Applies {@link ExitAdvice} to the classes it names; every other class costs one hash lookup. With
 * {@code backupguard.agent.any-driver=true}, a class whose constant pool holds the descriptor of
 * {@code Driver.connect} is advised as well (a byte search per loaded class, hence opt-in).
 */
final class GuardTransformer implements ClassFileTransformer {

    private static final byte[] CONNECT = bytes(ExitAdvice.CONNECT);
    private static final byte[] GET_CONNECTION = bytes(ExitAdvice.GET_CONNECTION);
    private static final byte[] GET_CONNECTION_AS = bytes(ExitAdvice.GET_CONNECTION_AS);
    private static final byte[] IS_GUARDED = bytes(ExitAdvice.IS_GUARDED);
    private static final String[] NEVER = {"java/", "javax/", "jdk/", "sun/", "com/sun/",
            LibraryNames.ANY.replace('.', '/')};

    private final Map<String, ExitAdvice.Target> named = new HashMap<>();
    private final boolean anyDriver;
    private final BridgeLocator bridge;
    private final FailureLog failures;

    GuardTransformer(String[] drivers, String[] dataSources, boolean anyDriver, BridgeLocator bridge,
                     FailureLog failures) {
        for (String d : drivers) {
            named.put(d.replace('.', '/'), ExitAdvice.Target.DRIVER);
        }
        for (String d : dataSources) {
            named.put(d.replace('.', '/'), ExitAdvice.Target.DATA_SOURCE);
        }
        named.put(LibraryNames.BACKUP_GUARD.replace('.', '/'), ExitAdvice.Target.LIBRARY);
        this.anyDriver = anyDriver;
        this.bridge = bridge;
        this.failures = failures;
    }

    /** Whether {@code internalName} is one of the classes advised by name. */
    boolean isNamed(String internalName) {
        return named.containsKey(internalName);
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                            byte[] classFile) {
        if (className == null || loader == null) {
            return null;
        }
        ExitAdvice.Target target = named.get(className);
        if (target == null) {
            if (!anyDriver || excluded(className)) {
                return null;
            }
            target = ExitAdvice.Target.DRIVER;
        }
        if (!mayDeclare(target, classFile)) {
            return null; // e.g. MariaDB 3.4+'s Driver, whose connect is inherited: no need to parse it
        }
        try {
            byte[] advised = Advice.INSTANCE.apply(classFile, target);
            if (advised == null) {
                return null;
            }
            if (!bridge.reachableFrom(loader)) {
                failures.once("bridge:" + loader.getClass().getName(), "backup-guard agent: classes of "
                        + loader + " cannot see " + BridgeLocator.NAME + ", so " + className.replace('/', '.')
                        + " is NOT instrumented and its connections are NOT guarded (an OSGi framework needs "
                        + "org.osgi.framework.bootdelegation to include dev.backupguard.agent.bridge)", null);
                return null;
            }
            if (target == ExitAdvice.Target.LIBRARY) {
                LibraryPresence.seen(loader);
            }
            return advised;
        } catch (Throwable t) {
            failures.once("instrument:" + className, "backup-guard agent could not instrument "
                    + className.replace('/', '.') + "; its connections are NOT guarded", t);
            return null;
        }
    }

    /** Loaded with the first class to advise: ExitAdvice's verification loads ASM, which premain does not need. */
    private static final class Advice {
        static final ExitAdvice INSTANCE = new ExitAdvice(ConnectionDispatch.class.getName().replace('.', '/'));
    }

    private static boolean excluded(String internalName) {
        for (String prefix : NEVER) {
            if (internalName.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the class can declare a method to advise: its constant pool must then hold the method's descriptor
     * (a byte search, far cheaper than parsing the class).
     */
    private static boolean mayDeclare(ExitAdvice.Target target, byte[] classFile) {
        return switch (target) {
            case DRIVER -> indexOf(classFile, CONNECT) >= 0;
            case DATA_SOURCE -> indexOf(classFile, GET_CONNECTION) >= 0 || indexOf(classFile, GET_CONNECTION_AS) >= 0;
            case LIBRARY -> indexOf(classFile, IS_GUARDED) >= 0;
        };
    }

    private static byte[] bytes(String descriptor) {
        return descriptor.getBytes(StandardCharsets.UTF_8);
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0, last = haystack.length - needle.length; i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
