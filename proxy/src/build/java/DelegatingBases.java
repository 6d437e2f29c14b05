import java.io.IOException;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Wrapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Writes the mechanical part of the JDBC wrappers at build time: an abstract base class per wrapped interface whose
 * every method is plain delegation to the driver's object (or, for a result set the guard answers itself, a refusal),
 * so the hand-written wrappers extend it and hold only the methods they intercept. It reflects over the java.sql
 * interfaces of the JDK that runs the build (the module compiles with {@code --release 17}: a method a later JDK
 * added to java.sql would fail the compilation, not slip into the jar); proxy/pom.xml runs it in generate-sources (a
 * Java source file launched by {@code java}, so nothing of it ships).
 *
 * <p>The JDK's class files carry no parameter names, so parameters are named by their role in JDBC
 * ({@link #parameterNames}): the column or parameter a getter, setter or updater addresses, the value it sets, a
 * property setter's property, the SQL a statement executes; otherwise by type.
 *
 * <p>Output is deterministic (methods sorted by signature, files rewritten only when their text changes), so builds
 * stay byte-identical and an unchanged build does not recompile the module.
 *
 * <p>usage: {@code java DelegatingBases.java <source root>}
 */
public final class DelegatingBases {

    private static final String PACKAGE = "dev.backupguard.jdbc";

    /**
     * One generated class. {@code constructor} is the parameter list of its constructor: the parameter of type
     * {@code api} is the wrapped object (a field of that name); with a {@code superclass}, all of them are passed on
     * to it, and only the methods {@code api} adds to its super-interfaces are generated (the superclass has the rest).
     */
    record Base(String name, Class<?> api, String superclass, String constructor, boolean refusing) {
    }

    static final List<Base> BASES = List.of(
            new Base("DelegatingResultSet", ResultSet.class, null, "ResultSet delegate", false),
            new Base("DelegatingStatement", Statement.class, null, "Statement delegate", false),
            new Base("DelegatingPreparedStatement", PreparedStatement.class, "GuardedStatement",
                    "GuardedConnection connection, PreparedStatement prepared", false),
            new Base("DelegatingCallableStatement", CallableStatement.class, "GuardedPreparedStatement",
                    "GuardedConnection connection, CallableStatement callable, String sql", false),
            new Base("RefusingResultSet", ResultSet.class, null, "", true));

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]).resolve(PACKAGE.replace('.', '/'));
        Files.createDirectories(dir);
        for (Base base : BASES) {
            Path file = dir.resolve(base.name() + ".java");
            String text = new DelegatingBases(base).source();
            if (!Files.exists(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(text)) {
                Files.writeString(file, text, StandardCharsets.UTF_8);
            }
        }
    }

    private final Base base;
    private final Set<String> imports = new TreeSet<>();
    private final String field;

    private DelegatingBases(Base base) {
        this.base = base;
        this.field = base.refusing() ? null : parameterOfType(base.constructor(), base.api().getSimpleName());
    }

    private String source() {
        StringBuilder methods = new StringBuilder();
        for (Method m : methods()) {
            methods.append('\n').append(method(m));
        }
        String api = type(base.api());
        StringBuilder out = new StringBuilder("package " + PACKAGE + ";\n\n");
        if (base.refusing()) {
            imports.add("java.sql.SQLFeatureNotSupportedException");
        }
        imports.forEach(i -> out.append("import ").append(i).append(";\n"));
        out.append("\n/**\n * A {@link ").append(api).append("} that ").append(base.refusing()
                        ? "refuses every call with {@link #unsupported} (a call by column label is made by index)"
                        : "delegates every call to {@code " + field + "}")
                .append(";\n * a subclass overrides what it intercepts. Generated at build time by "
                        + "proxy/src/build/java/DelegatingBases.java:\n * do not edit.\n */\n")
                .append("abstract class ").append(base.name())
                .append(base.superclass() == null ? "" : " extends " + base.superclass())
                .append(" implements ").append(api).append(" {\n");
        if (base.refusing()) {
            out.append("\n    /** The exception a refused call throws. */\n")
                    .append("    abstract SQLFeatureNotSupportedException unsupported(String method);\n");
        } else {
            out.append("\n    final ").append(api).append(' ').append(field).append(";\n\n    ")
                    .append(base.name()).append('(').append(base.constructor()).append(')')
                    // A hand-written superclass's constructor may do JDBC work (a prepared statement classifies).
                    .append(base.superclass() == null ? "" : " throws SQLException").append(" {\n");
            if (base.superclass() != null) {
                out.append("        super(").append(Arrays.stream(base.constructor().split(", "))
                        .map(p -> p.substring(p.lastIndexOf(' ') + 1)).collect(Collectors.joining(", ")))
                        .append(");\n");
            }
            out.append("        this.").append(field).append(" = ").append(field).append(";\n    }\n");
        }
        return out.append(methods).append("}\n").toString();
    }

    /** The methods to write, in a stable order (reflection's order is unspecified). */
    private List<Method> methods() {
        Map<String, Method> bySignature = new LinkedHashMap<>();
        Method[] candidates = base.superclass() == null ? base.api().getMethods() : base.api().getDeclaredMethods();
        for (Method m : candidates) {
            if (Modifier.isStatic(m.getModifiers()) || base.superclass() != null && inheritedFrom(m)) {
                continue;
            }
            // An interface that redeclares a method (ResultSet's close() over AutoCloseable's) narrows its throws.
            bySignature.merge(signature(m), m, (a, b) -> a.getDeclaringClass().isAssignableFrom(
                    b.getDeclaringClass()) ? b : a);
        }
        List<Method> out = new ArrayList<>(bySignature.values());
        out.sort(Comparator.comparing(DelegatingBases::signature));
        return out;
    }

    private boolean inheritedFrom(Method m) {
        for (Class<?> parent : base.api().getInterfaces()) {
            try {
                parent.getMethod(m.getName(), m.getParameterTypes());
                return true;
            } catch (NoSuchMethodException e) {
                // declared first here
            }
        }
        return false;
    }

    private static String signature(Method m) {
        return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getName)
                .collect(Collectors.joining(",", "(", ")"));
    }

    private String method(Method m) {
        List<String> names = parameterNames(m);
        Type[] types = m.getGenericParameterTypes();
        List<String> params = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            params.add(type(types[i]) + " " + names.get(i));
        }
        String typeParams = m.getTypeParameters().length == 0 ? "" : Arrays.stream(m.getTypeParameters())
                .map(TypeVariable::getName).collect(Collectors.joining(", ", "<", "> "));
        String throwsClause = m.getExceptionTypes().length == 0 ? "" : Arrays.stream(m.getExceptionTypes())
                .map(this::type).collect(Collectors.joining(", ", " throws ", ""));
        String returns = m.getReturnType() == void.class ? "" : "return ";
        StringBuilder out = new StringBuilder();
        if (m.isAnnotationPresent(Deprecated.class)) {
            out.append("    @Deprecated\n");
        }
        out.append("    @Override\n    public ").append(typeParams).append(type(m.getGenericReturnType())).append(' ')
                .append(m.getName()).append('(').append(String.join(", ", params)).append(')')
                .append(throwsClause).append(" {\n        ").append(body(m, names, returns)).append(";\n    }\n");
        return out.toString();
    }

    private String body(Method m, List<String> names, String returns) {
        String args = String.join(", ", names);
        if (m.getDeclaringClass() == Wrapper.class) {
            // unwrap(GuardedStatement.class) is the wrapper itself; anything else is looked for in what it wraps.
            return returns + "Unwrapping." + m.getName() + "(this" + (field == null ? "" : ", " + field) + ", "
                    + args + ")";
        }
        if (!base.refusing()) {
            return returns + field + "." + m.getName() + "(" + args + ")";
        }
        if (byLabel(m)) {
            List<String> byIndex = new ArrayList<>(names);
            byIndex.set(0, "findColumn(" + names.get(0) + ")");
            return returns + m.getName() + "(" + String.join(", ", byIndex) + ")";
        }
        return "throw unsupported(\"" + m.getName() + "\")";
    }

    /** A result set method that addresses its column by label and has a twin that takes the column's index. */
    private boolean byLabel(Method m) {
        Class<?>[] p = m.getParameterTypes();
        if (base.api() != ResultSet.class || p.length == 0 || p[0] != String.class || m.getName().equals("findColumn")) {
            return false;
        }
        Class<?>[] byIndex = p.clone();
        byIndex[0] = int.class;
        try {
            ResultSet.class.getMethod(m.getName(), byIndex);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ parameter names

    private static final Map<Class<?>, String> BY_TYPE = Map.ofEntries(
            Map.entry(java.util.Calendar.class, "calendar"), Map.entry(Class.class, "type"),
            Map.entry(Map.class, "map"), Map.entry(java.sql.SQLType.class, "sqlType"),
            Map.entry(java.io.InputStream.class, "stream"), Map.entry(java.io.Reader.class, "reader"),
            Map.entry(int[].class, "columnIndexes"), Map.entry(String[].class, "columnNames"));

    /**
     * Names by role: the first parameter of a column getter or updater is {@code columnIndex} / {@code columnLabel}
     * (ResultSet) or of a parameter setter, getter or registration {@code parameterIndex} / {@code parameterName}
     * (PreparedStatement, CallableStatement); the parameter after it is the {@code value} set (the SQL type for
     * setNull and registerOutParameter); a number after a stream is its {@code length}, after a type its
     * {@code scale}, a String after a type the {@code typeName}. A one-argument property setter's parameter is named
     * after the property ({@code setQueryTimeout(int queryTimeout)}); the String a statement executes or an
     * identifier or literal it quotes is named so. Anything else by type.
     */
    static List<String> parameterNames(Method m) {
        Class<?>[] p = m.getParameterTypes();
        String name = m.getName();
        boolean addressed = p.length > 0 && (p[0] == int.class || p[0] == String.class) && addressesByPosition(m);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            Class<?> t = p[i];
            String n;
            if (i == 0 && addressed) {
                boolean column = ResultSet.class.isAssignableFrom(m.getDeclaringClass());
                n = (column ? "column" : "parameter") + (t == int.class ? "Index" : column ? "Label" : "Name");
            } else if (i == 1 && addressed && (name.equals("setNull") || name.equals("registerOutParameter"))) {
                n = "sqlType";
            } else if (i == 1 && addressed && !name.startsWith("get")) {
                n = "value";
            } else if (i > 0 && (p[i - 1] == java.io.InputStream.class || p[i - 1] == java.io.Reader.class)) {
                n = "length";
            } else if (t == int.class && name.equals("setObject") && out.get(i - 1).equals("value")) {
                n = "sqlType";
            } else if (i > 0 && t == int.class && (out.get(i - 1).equals("sqlType") || name.equals("getBigDecimal")
                    || name.equals("updateObject"))) {
                n = name.equals("updateObject") || name.equals("setObject") ? "scaleOrLength" : "scale";
            } else if (i > 0 && t == String.class && out.get(i - 1).equals("sqlType")) {
                n = "typeName";
            } else if (p.length == 1 && name.startsWith("set") && !addressed) {
                n = Character.toLowerCase(name.charAt(3)) + name.substring(4);
            } else if (i == 0 && t == String.class) {
                n = name.startsWith("enquote") && name.endsWith("Literal") ? "literal"
                        : name.contains("Identifier") ? "identifier" : "sql";
            } else if (BY_TYPE.containsKey(t)) {
                n = BY_TYPE.get(t);
            } else {
                n = byType(t, name);
            }
            if (out.contains(n)) {
                throw new IllegalStateException("two parameters named " + n + " in " + m);
            }
            out.add(n);
        }
        return out;
    }

    /** Methods that name a column (ResultSet) or a statement parameter (PreparedStatement, CallableStatement) first. */
    private static boolean addressesByPosition(Method m) {
        String name = m.getName();
        if (ResultSet.class.isAssignableFrom(m.getDeclaringClass())) {
            return name.startsWith("get") || name.startsWith("update") || name.equals("findColumn");
        }
        return PreparedStatement.class.isAssignableFrom(m.getDeclaringClass())
                && (name.startsWith("set") || name.startsWith("get") || name.startsWith("register"));
    }

    private static String byType(Class<?> t, String method) {
        if (t == boolean.class) {
            return method.equals("enquoteIdentifier") ? "alwaysQuote" : "enable";
        }
        if (t == int.class) {
            return method.startsWith("execute") ? "autoGeneratedKeys" : method.equals("getMoreResults") ? "current"
                    : method.equals("absolute") ? "row" : method.equals("relative") ? "rows" : "number";
        }
        String simple = t.getSimpleName().replace("[]", "s");
        return Character.toLowerCase(simple.charAt(0)) + simple.substring(1);
    }

    // ------------------------------------------------------------------ types

    private String type(Type t) {
        if (t instanceof Class<?> c) {
            if (c.isArray()) {
                return type(c.getComponentType()) + "[]";
            }
            if (!c.isPrimitive() && !c.getPackageName().equals("java.lang") && !c.getPackageName().equals(PACKAGE)) {
                imports.add(c.getName().replace('$', '.'));
            }
            return c.getSimpleName();
        }
        if (t instanceof ParameterizedType p) {
            return type(p.getRawType()) + Arrays.stream(p.getActualTypeArguments()).map(this::type)
                    .collect(Collectors.joining(", ", "<", ">"));
        }
        if (t instanceof WildcardType w) {
            return w.getUpperBounds().length > 0 && w.getUpperBounds()[0] != Object.class
                    ? "? extends " + type(w.getUpperBounds()[0])
                    : w.getLowerBounds().length > 0 ? "? super " + type(w.getLowerBounds()[0]) : "?";
        }
        if (t instanceof GenericArrayType g) {
            return type(g.getGenericComponentType()) + "[]";
        }
        return t.getTypeName(); // a type variable
    }

    private static String parameterOfType(String parameters, String type) {
        for (String p : parameters.split(", ")) {
            if (p.startsWith(type + " ")) {
                return p.substring(type.length() + 1);
            }
        }
        throw new IllegalArgumentException("no parameter of type " + type + " in " + parameters);
    }
}
