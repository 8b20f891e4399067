package org.p2pnet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.Test;

/**
 * Enforces the house rule "never Java-deserialize anything from the wire" on what ships: every
 * class of p2pnet's own bundles (the jars the node and genesis distributions are built from) is
 * read, and none may refer to a Java or polymorphic deserialization entry point. A class refers
 * to another class, method or annotation through its constant pool, which holds the name as
 * UTF-8, so the names are searched in the class bytes.
 *
 * <ul>
 * <li>{@code java/io/ObjectInputStream} (and so {@code readObject}/{@code readUnshared} on it),
 *     {@code java/beans/XMLDecoder}: Java deserialization;</li>
 * <li>Jackson's {@code activateDefaultTyping}/{@code enableDefaultTyping} and the
 *     {@code JsonTypeInfo} annotation: type information read from the input (the polymorphic
 *     gadget chains behind Jackson's CVEs).</li>
 * </ul>
 */
public class NoJavaDeserializationIT {
    /** Names whose presence in a class's constant pool means it can deserialize by type. */
    static final List<String> FORBIDDEN = List.of(
        "java/io/ObjectInputStream",
        "java/beans/XMLDecoder",
        "activateDefaultTyping",
        "enableDefaultTyping",
        "Lcom/fasterxml/jackson/annotation/JsonTypeInfo;");

    @Test
    public void noBundleOfOursCanJavaDeserialize() throws IOException {
        Path root = Path.of(System.getProperty("p2pnet.repo", "..")).toAbsolutePath().normalize();
        List<Path> jars = new ArrayList<>();
        for (String dir : List.of("bundles", "examples")) {
            try (Stream<Path> modules = Files.list(root.resolve(dir))) {
                for (Path module : modules.filter(Files::isDirectory).sorted().toList()) {
                    Path target = module.resolve("target");
                    if (Files.isDirectory(target)) {
                        try (Stream<Path> built = Files.list(target)) {
                            built.filter(p -> p.getFileName().toString().endsWith(".jar"))
                                .filter(p -> !p.getFileName().toString().endsWith("-sources.jar")
                                    && !p.getFileName().toString().endsWith("-javadoc.jar"))
                                .forEach(jars::add);
                        }
                    }
                }
            }
        }
        assertTrue("the bundles are built before the itests (found " + jars.size() + " jars under " + root + ")",
            jars.size() >= 20);

        int classes = 0;
        List<String> offenders = new ArrayList<>();
        for (Path jar : jars) {
            try (JarFile file = new JarFile(jar.toFile())) {
                for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
                    JarEntry entry = e.nextElement();
                    if (!entry.getName().startsWith("org/p2pnet/") || !entry.getName().endsWith(".class")) {
                        continue;
                    }
                    classes++;
                    byte[] bytes;
                    try (InputStream in = file.getInputStream(entry)) {
                        bytes = in.readAllBytes();
                    }
                    for (String name : forbiddenIn(bytes)) {
                        offenders.add(jar.getFileName() + "!" + entry.getName() + " refers to " + name);
                    }
                }
            }
        }
        System.out.println("NoJavaDeserializationIT: " + classes + " classes in " + jars.size() + " jars checked");
        assertTrue("a real scan: " + classes + " classes", classes >= 300);
        assertTrue("no class of ours may deserialize by type:\n  " + String.join("\n  ", offenders), offenders.isEmpty());
    }

    /** The check itself finds a forbidden name in class bytes, and only a whole one. */
    @Test
    public void theScanFindsAReferenceInAConstantPool() {
        byte[] withReference = ("\u00ca\u00fe\u00ba\u00be...\u0001\u0000\u0019java/io/ObjectInputStream...")
            .getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(List.of("java/io/ObjectInputStream"), forbiddenIn(withReference));
        assertEquals(List.of(), forbiddenIn("java/io/ObjectOutputStream".getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** The forbidden names that occur in the bytes. */
    static List<String> forbiddenIn(byte[] classBytes) {
        String text = new String(classBytes, StandardCharsets.ISO_8859_1);
        return FORBIDDEN.stream().filter(text::contains).toList();
    }
}
