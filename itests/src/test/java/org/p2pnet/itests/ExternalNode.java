package org.p2pnet.itests;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A second p2pnet node in its own JVM, unpacked from the same distribution the test boots,
 * driven through its SSH console with {@code bin/client} in batch mode.
 */
final class ExternalNode implements AutoCloseable {
    private final Path home;
    private final int p2pPort;
    private final int sshPort;
    private Process process;

    ExternalNode(Path tgz, Path home, int p2pPort, int sshPort, String networkName) throws Exception {
        this.home = home;
        this.p2pPort = p2pPort;
        this.sshPort = sshPort;
        Files.createDirectories(home);
        run(List.of("tar", "-xzf", tgz.toString(), "-C", home.toString(), "--strip-components=1"), Duration.ofSeconds(60));
        setCfg("etc/org.p2pnet.core.cfg", "port", String.valueOf(p2pPort));
        setCfg("etc/org.p2pnet.core.cfg", "networkName", networkName);
        setCfg("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(sshPort));
        setCfg("etc/org.apache.karaf.shell.cfg", "sshHost", "127.0.0.1");
    }

    int p2pPort() {
        return p2pPort;
    }

    ExternalNode start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(home.resolve("console.log").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("KARAF_HOME");
        pb.environment().remove("KARAF_BASE");
        pb.environment().remove("KARAF_DATA");
        pb.environment().remove("KARAF_ETC");
        process = pb.start();
        return this;
    }

    /** Waits until the node listens on its p2p port and its console answers; on timeout, says what the node logged. */
    void awaitReady(Duration timeout) throws Exception {
        try {
            P2pnetTestSupport.waitFor("external node listening on " + p2pPort, timeout, () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("external node exited with " + process.exitValue());
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", p2pPort), 500);
                    return true;
                } catch (IOException notYet) {
                    return false;
                }
            });
            P2pnetTestSupport.waitFor("external node console", timeout, () -> exec("p2p:status").contains("Listening"));
        } catch (AssertionError notReady) {
            throw new AssertionError(notReady.getMessage() + "\n--- console.log\n" + tail("console.log")
                + "\n--- data/log/karaf.log\n" + tail("data/log/karaf.log"), notReady);
        }
    }

    private String tail(String file) {
        try {
            List<String> lines = Files.readAllLines(home.resolve(file));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    /** Runs one shell command on the node; returns its output. */
    String exec(String command) throws Exception {
        List<String> cmd = List.of(home.resolve("bin/client").toString(), "-h", "127.0.0.1", "-a", String.valueOf(sshPort),
            "-u", "karaf", "-p", "karaf", "-r", "5", "-d", "1", "-b");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("bin/client did not finish: " + command);
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private void setCfg(String file, String key, String value) throws IOException {
        Path path = home.resolve(file);
        List<String> lines = Files.exists(path) ? new ArrayList<>(Files.readAllLines(path)) : new ArrayList<>();
        lines.removeIf(l -> l.trim().startsWith(key + " ") || l.trim().startsWith(key + "="));
        lines.add(key + " = " + value);
        Files.write(path, lines);
    }

    private static void run(List<String> command, Duration timeout) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(command + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy(); // SIGTERM: Karaf stops its bundles in order
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (Files.exists(home)) {
            try (Stream<Path> walk = Files.walk(home)) {
                walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }
}
