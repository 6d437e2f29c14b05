import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks what `mvn deploy` put in a local file:// repository against what Maven Central accepts and what users
 * consume: each published artifact has its pom, jar, sources and javadoc jars (and SHA-1 checksums that match);
 * each pom has, itself or through its parents, a name, description, url, licences, developers and scm; the jars carry
 * the licence and an Automatic-Module-Name; the BOM lists exactly the published jars; nothing else is there (not the
 * integration tests, not the benchmarks, no test-jar).
 *
 * <p>Run from the repository's root: {@code java .ci/CheckStagingRepo.java <staging-repo>}. Exits 1 on any problem.
 */
public class CheckStagingRepo {

    static final String GROUP = "dev.backupguard";

    /** artifactId -> the files beside its pom (classifier.extension), and the jar's Automatic-Module-Name. */
    static final Map<String, List<String>> PUBLISHED = new LinkedHashMap<>();
    static final Map<String, String> MODULE_NAMES = Map.of(
            "backup-guard-proxy.jar", "dev.backupguard.proxy",
            "backup-guard-agent.jar", "dev.backupguard.agent",
            "backup-guard-harness.jar", "dev.backupguard.harness",
            "backup-guard-harness-cli.jar", "dev.backupguard.cli");

    static {
        PUBLISHED.put("backup-guard-bom", List.of());
        PUBLISHED.put("backup-guard-parent", List.of());
        PUBLISHED.put("backup-guard-proxy", List.of(".jar", "-sources.jar", "-javadoc.jar"));
        PUBLISHED.put("backup-guard-agent", List.of(".jar", "-sources.jar", "-javadoc.jar"));
        PUBLISHED.put("backup-guard-harness", List.of(".jar", "-sources.jar", "-javadoc.jar", "-cli.jar"));
    }

    final Path repo;
    final String version;
    final Set<String> problems = new java.util.LinkedHashSet<>();

    CheckStagingRepo(Path repo, String version) {
        this.repo = repo;
        this.version = version;
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args[0]);
        String version = text(parse(Path.of("bom/pom.xml")), "version");
        CheckStagingRepo check = new CheckStagingRepo(repo, version);
        check.run();
        if (!check.problems.isEmpty()) {
            check.problems.forEach(p -> System.out.println("FAIL " + p));
            System.exit(1);
        }
        System.out.println("staging repository " + repo + ": " + PUBLISHED.size() + " artifacts of " + GROUP + " "
                + version + ", each with what Maven Central requires; nothing else published");
    }

    void run() throws Exception {
        Path group = repo.resolve(GROUP.replace('.', '/'));
        if (!Files.isDirectory(group)) {
            problems.add("nothing of " + GROUP + " was published in " + repo);
            return;
        }
        Set<String> found = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(group)) {
            dirs.forEach(d -> found.add(d.getFileName().toString()));
        }
        if (!found.equals(new TreeSet<>(PUBLISHED.keySet()))) {
            problems.add("published artifacts are " + found + ", expected exactly " + PUBLISHED.keySet());
        }
        for (Map.Entry<String, List<String>> a : PUBLISHED.entrySet()) {
            checkArtifact(a.getKey(), a.getValue());
        }
        checkBom();
    }

    Path file(String artifactId, String suffix) {
        return repo.resolve(GROUP.replace('.', '/')).resolve(artifactId).resolve(version)
                .resolve(artifactId + "-" + version + suffix);
    }

    void checkArtifact(String artifactId, List<String> jars) throws Exception {
        Path dir = file(artifactId, ".pom").getParent();
        if (!Files.isDirectory(dir)) {
            problems.add(artifactId + ": not published (" + dir + ")");
            return;
        }
        Set<String> expected = new TreeSet<>();
        for (String suffix : concat(".pom", jars)) {
            String name = artifactId + "-" + version + suffix;
            expected.addAll(List.of(name, name + ".sha1", name + ".md5"));
            checkSha1(file(artifactId, suffix));
        }
        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(f -> f.getFileName().toString()).filter(f -> !f.startsWith("maven-metadata")).forEach(present::add);
        }
        if (!present.equals(expected)) {
            problems.add(artifactId + ": files " + present + ", expected " + expected);
        }
        checkPom(artifactId);
        for (String suffix : jars) {
            checkJar(artifactId, suffix);
        }
    }

    static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }

    void checkSha1(Path f) throws Exception {
        Path sha1 = Path.of(f + ".sha1");
        if (!Files.exists(f) || !Files.exists(sha1)) {
            return; // reported by the file listing
        }
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(Files.readAllBytes(f)));
        if (!Files.readString(sha1).trim().startsWith(actual)) {
            problems.add(f.getFileName() + ": the .sha1 does not match the file");
        }
    }

    /** Central's required pom fields, found in the pom itself or inherited from its parents in this repository. */
    void checkPom(String artifactId) throws Exception {
        if (!Files.exists(file(artifactId, ".pom"))) {
            return; // reported by the file listing
        }
        Element pom = parse(file(artifactId, ".pom"));
        if (text(pom, "name") == null) {
            problems.add(artifactId + ": the pom has no <name>");
        }
        for (String field : List.of("description", "url", "licenses/license/name", "licenses/license/url",
                "developers/developer/name", "scm/url", "scm/connection")) {
            if (inherited(pom, field) == null) {
                problems.add(artifactId + ": no <" + field + "> in the pom or its parents");
            }
        }
        for (Element dep : children(child(pom, "dependencies"), "dependency")) {
            String scope = text(dep, "scope");
            if (GROUP.equals(text(dep, "groupId")) && !"test".equals(scope)
                    && !PUBLISHED.containsKey(text(dep, "artifactId"))) {
                problems.add(artifactId + ": depends on the unpublished " + text(dep, "artifactId"));
            }
        }
    }

    String inherited(Element pom, String path) throws Exception {
        for (Element p = pom; p != null; p = parentOf(p)) {
            String value = text(p, path);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    Element parentOf(Element pom) throws Exception {
        Element parent = child(pom, "parent");
        if (parent == null) {
            return null;
        }
        String artifactId = text(parent, "artifactId");
        if (!GROUP.equals(text(parent, "groupId")) || !PUBLISHED.containsKey(artifactId)
                || !version.equals(text(parent, "version")) || !Files.exists(file(artifactId, ".pom"))) {
            problems.add("a pom's parent is not published here: " + artifactId);
            return null;
        }
        return parse(file(artifactId, ".pom"));
    }

    void checkJar(String artifactId, String suffix) throws IOException {
        Path f = file(artifactId, suffix);
        if (!Files.exists(f)) {
            return;
        }
        try (JarFile jar = new JarFile(f.toFile())) {
            String what = f.getFileName().toString();
            if (suffix.equals("-javadoc.jar")) {
                require(jar.getEntry("index.html") != null, what + ": no index.html");
                return;
            }
            require(jar.getEntry("META-INF/LICENSE") != null, what + ": no META-INF/LICENSE");
            if (suffix.equals("-sources.jar")) {
                require(jar.stream().anyMatch(e -> e.getName().endsWith(".java")), what + ": no .java file");
                return;
            }
            String expected = MODULE_NAMES.get(artifactId + suffix);
            String actual = jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
            require(expected.equals(actual), what + ": Automatic-Module-Name " + actual + ", expected " + expected);
        }
    }

    /** The BOM manages exactly the published jars (artifactId and classifier), at the released version. */
    void checkBom() throws Exception {
        Set<String> managed = new TreeSet<>();
        if (!Files.exists(file("backup-guard-bom", ".pom"))) {
            problems.add("no BOM published");
            return;
        }
        Element bom = parse(file("backup-guard-bom", ".pom"));
        for (Element dep : children(child(child(bom, "dependencyManagement"), "dependencies"), "dependency")) {
            String classifier = text(dep, "classifier");
            managed.add(text(dep, "artifactId") + (classifier == null ? "" : "-" + classifier) + ".jar");
            require("${project.version}".equals(text(dep, "version")) || version.equals(text(dep, "version")),
                    "the BOM manages " + text(dep, "artifactId") + " at " + text(dep, "version"));
        }
        require(managed.equals(new TreeSet<>(MODULE_NAMES.keySet())),
                "the BOM manages " + managed + ", expected the published jars " + new TreeSet<>(MODULE_NAMES.keySet()));
    }

    void require(boolean ok, String problem) {
        if (!ok) {
            problems.add(problem);
        }
    }

    static Element parse(Path pom) throws Exception {
        try (InputStream in = Files.newInputStream(pom)) {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in).getDocumentElement();
        }
    }

    static Element child(Element parent, String name) {
        List<Element> all = children(parent, name);
        return all.isEmpty() ? null : all.get(0);
    }

    static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        if (parent != null) {
            for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && e.getTagName().equals(name)) {
                    found.add(e);
                }
            }
        }
        return found;
    }

    /** The text at a slash-separated path of child elements, or null when absent or blank. */
    static String text(Element root, String path) {
        Element e = root;
        for (String step : path.split("/")) {
            e = child(e, step);
        }
        return e == null || e.getTextContent().isBlank() ? null : e.getTextContent().trim();
    }
}
