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

    private static final byte[] CONNECT = ExitAdvice.CONNECT.getBytes(StandardCharsets.UTF_8);
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
            if (!anyDriver || excluded(className) || indexOf(classFile, CONNECT) < 0) {
                return null;
            }
            target = ExitAdvice.Target.DRIVER;
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
