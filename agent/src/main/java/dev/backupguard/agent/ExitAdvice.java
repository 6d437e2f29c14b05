package dev.backupguard.agent;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The advice, written directly in bytecode with the ASM that Byte Buddy carries. Every return of an advised method
 * jumps to one exit block appended to the method, which hands the result to the dispatch class and returns what it
 * answers; a Throwable from that call (a class loader that cannot resolve the dispatch class, say) is swallowed and
 * the original result returned. For {@code Driver.connect(String url, Properties info)}:
 *
 * <pre>
 *   ...  areturn                    becomes   astore n; goto EXIT
 *   EXIT:  try { n = (Connection) ConnectionDispatch.connected(1, this, url, info, n) } catch (Throwable t) { }
 *          aload n; areturn
 * </pre>
 *
 * Slot {@code n} is a new local after all of the method's own; the stack-map frames of the exit block list the
 * parameters, {@code TOP} for the method's other locals and the result in slot {@code n}, which is what every
 * return site holds (javac never reuses a parameter's slot). Only method bodies change, so the advice can be applied
 * to classes already loaded (retransformation) as well as at load time.
 *
 * <p>Byte Buddy's own {@code Advice} does the same job, but its machinery loads about 800 classes (1,100 with its
 * {@code AgentBuilder}) before the first class is transformed and, on JDK 24+, prints {@code sun.misc.Unsafe}
 * deprecation warnings into the host's stderr; the agent must add well under 300 ms to a JVM's start.
 */
final class ExitAdvice {

    /** What is advised, by the method it looks for. */
    enum Target {
        /** {@code connect(String, Properties)} returning {@code java.sql.Connection} (not static). */
        DRIVER,
        /** public {@code getConnection()} and {@code getConnection(String, String)} of a data source. */
        DATA_SOURCE,
        /** The application's own {@code dev.backupguard.jdbc.BackupGuard.isGuarded(Connection)} (static). */
        LIBRARY
    }

    static final String CONNECTION = "java/sql/Connection";
    static final String CONNECT = "(Ljava/lang/String;Ljava/util/Properties;)Ljava/sql/Connection;";
    static final String GET_CONNECTION = "()Ljava/sql/Connection;";
    static final String GET_CONNECTION_AS = "(Ljava/lang/String;Ljava/lang/String;)Ljava/sql/Connection;";
    static final String IS_GUARDED = "(Ljava/sql/Connection;)Z";
    private static final String CONNECTED = "(ILjava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;";
    private static final int API = Opcodes.ASM9;

    private final String dispatch;

    /** {@code dispatch}: internal name of the class with {@code connected(...)} and {@code guarded(Object)}. */
    ExitAdvice(String dispatch) {
        this.dispatch = dispatch;
    }

    /** The class with its advised methods rewritten, or null if it declares none. */
    byte[] apply(byte[] classFile, Target target) {
        ClassReader reader = new ClassReader(classFile);
        Map<String, Integer> firstFreeSlot = new HashMap<>();
        reader.accept(new ClassVisitor(API) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                if (!advised(target, access, name, descriptor)) {
                    return null;
                }
                return new MethodVisitor(API) {
                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                        firstFreeSlot.put(name + descriptor, maxLocals);
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        if (firstFreeSlot.isEmpty()) {
            return null;
        }
        String owner = reader.getClassName();
        // Passing the reader lets ASM copy every method that is not advised byte for byte.
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(API, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                Integer slot = firstFreeSlot.get(name + descriptor);
                return slot == null ? mv : new ExitBlock(mv, target, owner, access, descriptor, slot);
            }
        }, ClassReader.EXPAND_FRAMES);
        return writer.toByteArray();
    }

    static boolean advised(Target target, int access, String name, String descriptor) {
        if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
            return false;
        }
        boolean isStatic = (access & Opcodes.ACC_STATIC) != 0;
        return switch (target) {
            case DRIVER -> !isStatic && name.equals("connect") && descriptor.equals(CONNECT);
            case DATA_SOURCE -> !isStatic && (access & Opcodes.ACC_PUBLIC) != 0 && name.equals("getConnection")
                    && (descriptor.equals(GET_CONNECTION) || descriptor.equals(GET_CONNECTION_AS));
            case LIBRARY -> isStatic && name.equals("isGuarded") && descriptor.equals(IS_GUARDED);
        };
    }

    /** Sends every return of one method through the exit block. */
    private final class ExitBlock extends MethodVisitor {
        private final Target target;
        private final String owner;
        private final boolean isStatic;
        private final String descriptor;
        private final int slot;
        private final int returnOpcode;
        private final Label exit = new Label();
        private boolean returns;

        ExitBlock(MethodVisitor mv, Target target, String owner, int access, String descriptor, int slot) {
            super(API, mv);
            this.target = target;
            this.owner = owner;
            this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
            this.descriptor = descriptor;
            this.slot = slot;
            this.returnOpcode = target == Target.LIBRARY ? Opcodes.IRETURN : Opcodes.ARETURN;
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode == returnOpcode) {
                returns = true;
                super.visitVarInsn(returnOpcode == Opcodes.IRETURN ? Opcodes.ISTORE : Opcodes.ASTORE, slot);
                super.visitJumpInsn(Opcodes.GOTO, exit);
            } else {
                super.visitInsn(opcode);
            }
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            if (returns) {
                emitExit();
                maxStack = Math.max(maxStack, 5);
                maxLocals = Math.max(maxLocals, slot + 1);
            }
            super.visitMaxs(maxStack, maxLocals);
        }

        private void emitExit() {
            Object[] locals = frameLocals();
            Label start = new Label();
            Label end = new Label();
            Label handler = new Label();
            Label done = new Label();
            boolean library = target == Target.LIBRARY;
            super.visitTryCatchBlock(start, end, handler, "java/lang/Throwable");
            super.visitLabel(exit);
            super.visitFrame(Opcodes.F_NEW, locals.length, locals, 0, null);
            if (library) {
                // isGuarded: only a false answer is worth asking the agent about.
                super.visitVarInsn(Opcodes.ILOAD, slot);
                super.visitJumpInsn(Opcodes.IFNE, done);
                super.visitLabel(start);
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, dispatch, "guarded", "(Ljava/lang/Object;)Z", false);
                super.visitVarInsn(Opcodes.ISTORE, slot);
            } else {
                int parameters = Type.getArgumentTypes(descriptor).length;
                super.visitLabel(start);
                super.visitIntInsn(Opcodes.BIPUSH, target == Target.DRIVER ? 1 : 2);
                super.visitVarInsn(Opcodes.ALOAD, 0);
                loadParameterOrNull(1, parameters);
                loadParameterOrNull(2, parameters);
                super.visitVarInsn(Opcodes.ALOAD, slot);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, dispatch, "connected", CONNECTED, false);
                super.visitTypeInsn(Opcodes.CHECKCAST, CONNECTION);
                super.visitVarInsn(Opcodes.ASTORE, slot);
            }
            super.visitLabel(end);
            super.visitLabel(done);
            super.visitFrame(Opcodes.F_NEW, locals.length, locals, 0, null);
            super.visitVarInsn(library ? Opcodes.ILOAD : Opcodes.ALOAD, slot);
            super.visitInsn(returnOpcode);
            super.visitLabel(handler);
            super.visitFrame(Opcodes.F_NEW, locals.length, locals, 1, new Object[]{"java/lang/Throwable"});
            super.visitInsn(Opcodes.POP);
            super.visitJumpInsn(Opcodes.GOTO, done);
        }

        /** Parameters {@code index} (1-based, instance methods whose parameters are all references) or null. */
        private void loadParameterOrNull(int index, int parameters) {
            if (index <= parameters) {
                super.visitVarInsn(Opcodes.ALOAD, index);
            } else {
                super.visitInsn(Opcodes.ACONST_NULL);
            }
        }

        private Object[] frameLocals() {
            List<Object> locals = new ArrayList<>();
            int used = 0;
            if (!isStatic) {
                locals.add(owner);
                used++;
            }
            for (Type t : Type.getArgumentTypes(descriptor)) {
                locals.add(frameType(t));
                used += t.getSize();
            }
            while (used < slot) {
                locals.add(Opcodes.TOP);
                used++;
            }
            locals.add(target == Target.LIBRARY ? Opcodes.INTEGER : CONNECTION);
            return locals.toArray();
        }
    }

    private static Object frameType(Type t) {
        return switch (t.getSort()) {
            case Type.BOOLEAN, Type.CHAR, Type.BYTE, Type.SHORT, Type.INT -> Opcodes.INTEGER;
            case Type.FLOAT -> Opcodes.FLOAT;
            case Type.LONG -> Opcodes.LONG;
            case Type.DOUBLE -> Opcodes.DOUBLE;
            case Type.ARRAY -> t.getDescriptor();
            default -> t.getInternalName();
        };
    }
}
