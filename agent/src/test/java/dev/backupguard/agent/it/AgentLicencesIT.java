package dev.backupguard.agent.it;

import net.bytebuddy.jar.asm.ClassReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opens the shaded agent jar as a user who redistributes it would: the project's own licence and notice are in it,
 * and so is the licence and notice of every third-party library it bundles (the copy of ASM that Byte Buddy carries,
 * under BSD-3-Clause, whose second clause asks for its copyright and licence in binary redistributions; Byte Buddy's
 * NOTICE, which section 4(d) of the Apache License asks to carry along). The third-party texts are compared with the
 * ones in the Byte Buddy jar the agent was built from, so an upgrade that changes them fails here, not in an audit.
 */
class AgentLicencesIT {

    static final Path ROOT = ShadedJarIT.JAR.getParent().getParent().getParent();
    static final String SHADED = "dev/backupguard/agent/shaded/";

    static final Map<String, byte[]> AGENT = new HashMap<>();
    static final Map<String, byte[]> BYTE_BUDDY = new HashMap<>();

    @BeforeAll
    static void read() throws IOException {
        readInto(ShadedJarIT.JAR, AGENT);
        readInto(Jvm.locationOf(ClassReader.class), BYTE_BUDDY);
    }

    static void readInto(Path jarFile, Map<String, byte[]> entries) throws IOException {
        try (JarFile jar = new JarFile(jarFile.toFile())) {
            for (JarEntry e : Collections.list(jar.entries())) {
                if (!e.isDirectory()) {
                    entries.put(e.getName(), jar.getInputStream(e).readAllBytes());
                }
            }
        }
    }

    static String text(Map<String, byte[]> jar, String entry) {
        assertThat(jar).as("entries").containsKey(entry);
        return new String(jar.get(entry), StandardCharsets.UTF_8);
    }

    @Test
    void theProjectsLicenceIsTheApacheLicence() throws IOException {
        String licence = Files.readString(ROOT.resolve("LICENSE"));
        assertThat(licence).contains("Apache License", "Version 2.0, January 2004", "END OF TERMS AND CONDITIONS");
        assertThat(text(AGENT, "META-INF/LICENSE")).isEqualTo(licence);
    }

    @Test
    void theNoticeIsTheProjectsFollowedByTheBundledLibrariesNotices() throws IOException {
        String notice = text(AGENT, "META-INF/NOTICE");
        assertThat(notice).startsWith(Files.readString(ROOT.resolve("NOTICE")));
        // Byte Buddy's NOTICE: its copyright line (the rest is the Apache licence's boilerplate).
        String byteBuddyCopyright = text(BYTE_BUDDY, "META-INF/NOTICE").lines().findFirst().orElseThrow();
        assertThat(byteBuddyCopyright).startsWith("Copyright ");
        assertThat(notice).contains("Byte Buddy", byteBuddyCopyright);
        // ASM's copyright, as its licence file states it.
        String asmCopyright = text(BYTE_BUDDY, "META-INF/licenses/ASM").lines()
                .filter(l -> l.startsWith("Copyright ")).findFirst().orElseThrow();
        assertThat(notice).contains("ASM", asmCopyright);
    }

    @Test
    void asmsLicenceTravelsAsByteBuddyShipsIt() {
        assertThat(text(AGENT, "META-INF/licenses/ASM")).isEqualTo(text(BYTE_BUDDY, "META-INF/licenses/ASM"))
                .contains("Redistributions in binary form must reproduce the above copyright");
    }

    @Test
    void asmIsTheOnlyThirdPartyCodeBundled() {
        // Everything relocated under shaded/ is either a package of the proxy module (on this test's class path) or
        // third-party code, whose licence and notice this class must then check.
        Set<String> thirdParty = new TreeSet<>();
        for (String entry : AGENT.keySet()) {
            if (entry.startsWith(SHADED)) {
                String pkg = entry.substring(SHADED.length(), entry.indexOf('/', SHADED.length()));
                if (AgentLicencesIT.class.getClassLoader().getResource("dev/backupguard/" + pkg) == null) {
                    thirdParty.add(pkg);
                }
            }
        }
        assertThat(thirdParty).as("third-party packages bundled: each needs its licence in META-INF/licenses and its"
                + " notice in agent/NOTICE").containsExactly("asm");
    }
}
