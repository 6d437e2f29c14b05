package dev.backupguard.agent;

import dev.backupguard.agent.bridge.ConnectionDispatch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Makes sure a class loader that defines an advised class can resolve {@link ConnectionDispatch}, and that the copy
 * it resolves carries the hook. Normally that is the agent's own copy on the system class path, seen through the
 * parent chain. A loader that does not see it (created with a null parent, for example) gets a copy in the bootstrap
 * loader: the class is written to a one-entry jar appended to the bootstrap search path. That is done only when
 * needed, because appending to the bootstrap path switches class-data sharing off for application classes (the JVM
 * says so in a warning) and so slows the start of every JVM.
 */
final class BridgeLocator {

    static final String NAME = ConnectionDispatch.class.getName();

    private final Instrumentation instrumentation;
    private final Function<Object[], Object> hook;
    private final Set<Class<?>> hooked = ConcurrentHashMap.newKeySet();
    private volatile boolean appended;

    BridgeLocator(Instrumentation instrumentation, Function<Object[], Object> hook) {
        this.instrumentation = instrumentation;
        this.hook = hook;
        hooked.add(ConnectionDispatch.class);
    }

    /** Whether classes of {@code loader} can call the dispatch class (after putting a copy in bootstrap if needed). */
    boolean reachableFrom(ClassLoader loader) throws IOException, ReflectiveOperationException {
        Class<?> seen = find(loader);
        if (seen == null) {
            appendToBootstrap();
            seen = find(loader);
            if (seen == null) {
                return false;
            }
        }
        if (hooked.add(seen)) {
            seen.getMethod("install", Function.class).invoke(null, hook);
        }
        return true;
    }

    private static Class<?> find(ClassLoader loader) {
        try {
            return Class.forName(NAME, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private synchronized void appendToBootstrap() throws IOException {
        if (appended) {
            return;
        }
        String resource = NAME.replace('.', '/') + ".class";
        byte[] bytes;
        try (InputStream in = ConnectionDispatch.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is missing from the agent jar");
            }
            bytes = in.readAllBytes();
        }
        Path jar = Files.createTempFile("backup-guard-bridge-", ".jar");
        jar.toFile().deleteOnExit();
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry(resource));
            out.write(bytes);
            out.closeEntry();
        }
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
        appended = true;
    }
}
