package dev.backupguard.agent.it;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.Remapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads the shaded agent jar as the JVM will: every class belongs to the agent's namespace, nothing third-party is
 * left under its own name (a host with its own ASM, Byte Buddy or SLF4J would clash with it), every reference a
 * class makes resolves to the jar or the JDK (a proxy class calling an SLF4J method the logger facade lacks fails
 * here, not in production), and the class that advised drivers call needs nothing but java.base.
 */
class ShadedJarIT {

    static final Path JAR = Jvm.locationOf(ShadedJarIT.class).resolveSibling("backup-guard-agent.jar");
    static final String AGENT = "dev/backupguard/agent/";
    static final String BRIDGE = "dev/backupguard/agent/bridge/ConnectionDispatch";

    static final Map<String, byte[]> CLASSES = new HashMap<>();
    static final List<String> RESOURCES = new ArrayList<>();
    static Attributes manifest;

    @BeforeAll
    static void read() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            manifest = jar.getManifest().getMainAttributes();
            for (JarEntry e : java.util.Collections.list(jar.entries())) {
                if (e.isDirectory()) {
                    continue;
                }
                if (e.getName().endsWith(".class")) {
                    CLASSES.put(e.getName().substring(0, e.getName().length() - 6), jar.getInputStream(e).readAllBytes());
                } else {
                    RESOURCES.add(e.getName());
                }
            }
        }
        assertThat(CLASSES).as("classes in %s", JAR).hasSizeGreaterThan(100);
    }

    @Test
    void theManifestMakesItAnAgent() {
        assertThat(manifest.getValue("Premain-Class")).isEqualTo("dev.backupguard.agent.BackupGuardAgent");
        assertThat(manifest.getValue("Agent-Class")).isEqualTo("dev.backupguard.agent.BackupGuardAgent");
        assertThat(manifest.getValue("Can-Retransform-Classes")).isEqualTo("true");
        assertThat(manifest.getValue("Implementation-Version")).isNotBlank();
        assertThat(CLASSES).containsKey("dev/backupguard/agent/BackupGuardAgent");
    }

    @Test
    void everyClassIsInTheAgentsNamespaceIncludingVersionedOnes() {
        assertThat(CLASSES.keySet()).allSatisfy(name -> assertThat(name).startsWith(AGENT));
        // Multi-release entries must have been moved too (MSHADE-406 leaves them at their old path).
        assertThat(RESOURCES).noneMatch(r -> r.startsWith("META-INF/versions/") && !r.contains("/" + AGENT));
        // Relocated third-party code is present: ASM from Byte Buddy, the proxy module.
        assertThat(CLASSES).containsKeys("dev/backupguard/agent/shaded/asm/ClassReader",
                "dev/backupguard/agent/shaded/jdbc/BackupGuard", "dev/backupguard/agent/shaded/jdbc/GuardedConnection",
                "dev/backupguard/agent/shaded/classify/Classifier");
    }

    @Test
    void onlyLicencesAndTheManifestBesideTheClasses() {
        assertThat(RESOURCES).allSatisfy(r -> assertThat(r).matches(
                "META-INF/MANIFEST\\.MF|META-INF/LICENSE|META-INF/NOTICE|META-INF/licenses/[A-Za-z]+"));
        // In particular no META-INF/services: the agent registers no JDBC driver of its own.
    }

    @Test
    void noClassNamesAThirdPartyOrUnshadedProxyType() {
        Set<String> offending = new TreeSet<>();
        for (Map.Entry<String, byte[]> c : CLASSES.entrySet()) {
            for (String ref : References.of(c.getValue()).types) {
                if (ref.startsWith("net/bytebuddy/") || ref.startsWith("org/slf4j/") || ref.startsWith("org/objectweb/")
                        || ref.startsWith("dev/backupguard/") && !ref.startsWith(AGENT)) {
                    offending.add(c.getKey() + " -> " + ref);
                }
            }
        }
        assertThat(offending).isEmpty();
    }

    @Test
    void everyReferencedTypeIsInTheJarOrTheJdk() {
        Set<String> missing = new TreeSet<>();
        for (Map.Entry<String, byte[]> c : CLASSES.entrySet()) {
            for (String ref : References.of(c.getValue()).types) {
                if (!CLASSES.containsKey(ref) && jdkResource(ref) == null) {
                    missing.add(c.getKey() + " -> " + ref);
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void everyMethodAndFieldCalledOnAClassOfTheJarExists() {
        Set<String> missing = new TreeSet<>();
        for (Map.Entry<String, byte[]> c : CLASSES.entrySet()) {
            for (String[] m : References.of(c.getValue()).members) {
                if (CLASSES.containsKey(m[0]) && !resolves(m[0], m[1], m[2], m[3].equals("field"))) {
                    missing.add(c.getKey() + " -> " + m[0] + "." + m[1] + m[2]);
                }
            }
        }
        assertThat(missing).as("e.g. an SLF4J method the proxy calls that the agent's logger facade lacks").isEmpty();
    }

    @Test
    void theBridgeNeedsNothingButJavaBase() {
        Set<String> refs = References.of(CLASSES.get(BRIDGE)).types;
        assertThat(refs).isNotEmpty().allSatisfy(ref -> assertThat(ref.equals(BRIDGE)
                || String.valueOf(jdkResource(ref)).startsWith("jrt:/java.base/")).as(ref).isTrue());
    }

    // ---------------------------------------------------------------------------------------- resolution

    private static URL jdkResource(String internalName) {
        return ClassLoader.getPlatformClassLoader().getResource(internalName + ".class");
    }

    /** Whether owner (a class of the jar) declares or inherits the member, through the jar and the JDK. */
    private static boolean resolves(String owner, String name, String descriptor, boolean field) {
        Set<String> seen = new LinkedHashSet<>();
        List<String> queue = new ArrayList<>(List.of(owner));
        while (!queue.isEmpty()) {
            String type = queue.remove(0);
            if (type == null || !seen.add(type)) {
                continue;
            }
            byte[] bytes = CLASSES.get(type);
            if (bytes == null) {
                if (jdkDeclares(type, name, descriptor, field)) {
                    return true;
                }
                continue;
            }
            References r = References.of(bytes);
            if (r.declared.contains(name + descriptor)) {
                return true;
            }
            queue.add(r.superName);
            queue.addAll(r.interfaces);
        }
        return false;
    }

    private static boolean jdkDeclares(String type, String name, String descriptor, boolean field) {
        Class<?> c;
        try {
            c = Class.forName(type.replace('/', '.'), false, ClassLoader.getPlatformClassLoader());
        } catch (ClassNotFoundException e) {
            return false;
        }
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            if (declares(k, name, descriptor, field)) {
                return true;
            }
            for (Class<?> i : allInterfaces(k)) {
                if (declares(i, name, descriptor, field)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Set<Class<?>> allInterfaces(Class<?> c) {
        Set<Class<?>> out = new LinkedHashSet<>();
        for (Class<?> i : c.getInterfaces()) {
            out.add(i);
            out.addAll(allInterfaces(i));
        }
        return out;
    }

    private static boolean declares(Class<?> c, String name, String descriptor, boolean field) {
        if (field) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals(name) && Type.getDescriptor(f.getType()).equals(descriptor)) {
                    return true;
                }
            }
            return false;
        }
        List<Executable> all = new ArrayList<>(List.of(c.getDeclaredMethods()));
        all.addAll(List.of(c.getDeclaredConstructors()));
        for (Executable e : all) {
            String n = e instanceof Method ? e.getName() : "<init>";
            String d = e instanceof Method m ? Type.getMethodDescriptor(m)
                    : Type.getConstructorDescriptor((java.lang.reflect.Constructor<?>) e);
            if (n.equals(name) && d.equals(descriptor)) {
                return true;
            }
        }
        return false;
    }

    /** What one class file names: types, members it uses, members it declares. */
    static final class References {
        final Set<String> types = new TreeSet<>();
        final List<String[]> members = new ArrayList<>();
        final Set<String> declared = new LinkedHashSet<>();
        final List<String> interfaces = new ArrayList<>();
        String superName;

        private static final Map<byte[], References> CACHE = new java.util.IdentityHashMap<>();

        static synchronized References of(byte[] classFile) {
            return CACHE.computeIfAbsent(classFile, References::read);
        }

        private static References read(byte[] classFile) {
            References r = new References();
            ClassReader reader = new ClassReader(classFile);
            r.superName = reader.getSuperName();
            r.interfaces.addAll(List.of(reader.getInterfaces()));
            Remapper collect = new Remapper() {
                @Override
                public String map(String internalName) {
                    r.types.add(internalName.startsWith("[") ? Type.getType(internalName).getElementType()
                            .getInternalName() : internalName);
                    return internalName;
                }
            };
            ClassVisitor members = new ClassVisitor(Opcodes.ASM9) {
                @Override
                public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                    r.declared.add(name + descriptor);
                    return null;
                }

                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                 String[] exceptions) {
                    r.declared.add(name + descriptor);
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitMethodInsn(int opcode, String owner, String n, String d, boolean itf) {
                            if (!owner.startsWith("[")) {
                                r.members.add(new String[]{owner, n, d, "method"});
                            }
                        }

                        @Override
                        public void visitFieldInsn(int opcode, String owner, String n, String d) {
                            r.members.add(new String[]{owner, n, d, "field"});
                        }
                    };
                }
            };
            reader.accept(members, ClassReader.SKIP_FRAMES);
            reader.accept(new ClassRemapper(new ClassVisitor(Opcodes.ASM9) {
            }, collect), ClassReader.SKIP_FRAMES);
            r.types.removeIf(t -> t.length() == 1 && "ZBCSIJFDV".contains(t));
            return r;
        }
    }
}
