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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A second p2pnet node in its own JVM, unpacked from the same distribution the test boots,
 * driven through its SSH console: over an SSH session of the test's JVM ({@link ConsoleSsh}) when
 * Apache SSHD is on its class path, else with {@code bin/client} in batch mode.
 *
 * <p>With a command prefix (see {@link #inNamespace}), {@code bin/karaf} and {@code bin/client}
 * run through it, e.g. {@code ip netns exec NS}: the node then lives in that network namespace and
 * is reachable only from inside it, so readiness is judged through its console alone.
 */
final class ExternalNode implements AutoCloseable {
    private final Path home;
    private final int p2pPort;
    private final int sshPort;
    private final List<String> commandPrefix;
    private Process process;
    private final java.util.Map<String, String> extraEnv = new java.util.LinkedHashMap<>();

    ExternalNode(Path tgz, Path home, int p2pPort, int sshPort, String networkName) throws Exception {
        this(tgz, home, p2pPort, sshPort, networkName, List.of());
    }

    /** A node whose {@code bin/karaf} and {@code bin/client} run through {@code commandPrefix} (empty: directly). */
    ExternalNode(Path tgz, Path home, int p2pPort, int sshPort, String networkName, List<String> commandPrefix) throws Exception {
        this.home = home;
        this.p2pPort = p2pPort;
        this.sshPort = sshPort;
        this.commandPrefix = List.copyOf(commandPrefix);
        Files.createDirectories(home);
        run(List.of("tar", "-xzf", tgz.toString(), "-C", home.toString(), "--strip-components=1"), Duration.ofSeconds(60));
        setCfg("etc/org.p2pnet.core.cfg", "port", String.valueOf(p2pPort));
        setCfg("etc/org.p2pnet.core.cfg", "networkName", networkName);
        setCfg("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(sshPort));
        setCfg("etc/org.apache.karaf.shell.cfg", "sshHost", "127.0.0.1");
        if (this.commandPrefix.isEmpty()) {
            // on the test host itself: LAN discovery idle (tests connect explicitly), and never off loopback
            setCfg("etc/org.p2pnet.discovery.lan.cfg", "enabled", "false");
            setCfg("etc/org.p2pnet.discovery.lan.cfg", "interfaces", "lo");
        }
    }

    /** A node inside network namespace {@code namespace} (started and driven with {@code ipCommand netns exec namespace}). */
    static ExternalNode inNamespace(String ipCommand, String namespace, Path tgz, Path home, int p2pPort, int sshPort,
            String networkName) throws Exception {
        return new ExternalNode(tgz, home, p2pPort, sshPort, networkName, List.of(ipCommand, "netns", "exec", namespace));
    }

    int p2pPort() {
        return p2pPort;
    }

    Path home() {
        return home;
    }

    /** Sets an environment variable for the node's process (e.g. {@code JAVA_MAX_MEM}); before {@link #start()}. */
    ExternalNode env(String name, String value) {
        extraEnv.put(name, value);
        return this;
    }

    /**
     * Freezes the node's JVM (SIGSTOP): its sockets stay open, nothing answers. {@link #resume()}
     * undoes it. Karaf is exec'd, so the process is the JVM itself.
     */
    void suspend() throws Exception {
        run(List.of("kill", "-STOP", String.valueOf(process.pid())), Duration.ofSeconds(10));
    }

    /** Thaws a node frozen by {@link #suspend()} (SIGCONT). */
    void resume() throws Exception {
        run(List.of("kill", "-CONT", String.valueOf(process.pid())), Duration.ofSeconds(10));
    }

    /**
     * Sized for many nodes on one small machine: heap 64–256 MiB, and {@code maxChannelsPerIp} 64
     * (all nodes share 127.0.0.1; the per-IP limit is meant for the real world). Before {@link #start()}.
     */
    ExternalNode lean() throws IOException {
        return env("JAVA_MIN_MEM", "64M").env("JAVA_MAX_MEM", "256M")
            .configure("etc/org.p2pnet.core.cfg", "maxChannelsPerIp", "64");
    }

    /** Sets {@code key = value} in a {@code .cfg} file under the node's home (e.g. {@code etc/org.p2pnet.core.cfg}); before {@link #start()}. */
    ExternalNode configure(String file, String key, String value) throws IOException {
        setCfg(file, key, value);
        return this;
    }

    private List<String> prefixed(String... command) {
        List<String> all = new ArrayList<>(commandPrefix);
        all.addAll(List.of(command));
        return all;
    }

    ExternalNode start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(prefixed(home.resolve("bin/karaf").toString(), "server"))
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(home.resolve("console.log").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // bin/karaf execs java instead of running it as a child, so destroy() signals Karaf itself
        // (ip netns exec execs too); otherwise only the script dies and the JVM is left running
        pb.environment().put("KARAF_EXEC", "exec");
        pb.environment().putAll(extraEnv);
        pb.environment().remove("KARAF_HOME");
        pb.environment().remove("KARAF_BASE");
        pb.environment().remove("KARAF_DATA");
        pb.environment().remove("KARAF_ETC");
        process = pb.start();
        return this;
    }

    /**
     * Ready: listening, and its trust policy installed (the core no longer fails closed, which it
     * does for the moment between the transport and the trust bundle starting).
     */
    private static boolean isReady(String status) {
        return LISTENING.matcher(status).find() && !status.contains("fail closed") && !status.contains("failing closed");
    }

    /** p2p:status's Listening line with an address (not "not listening", which a node whose port is taken shows). */
    private static final java.util.regex.Pattern LISTENING =
        java.util.regex.Pattern.compile("(?m)^Listening\\s*: (?!not listening)\\S");

    /** Waits until the node listens on its p2p port, its console answers and its trust policy is in force; on timeout, says what the node logged. */
    void awaitReady(Duration timeout) throws Exception {
        try {
            if (!commandPrefix.isEmpty()) {
                // the node's loopback is not ours: ask its console (run through the prefix) only
                P2pnetTestSupport.waitFor("external node console in " + commandPrefix, timeout, () -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("external node exited with " + process.exitValue());
                    }
                    return isReady(exec("p2p:status"));
                });
                return;
            }
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
            P2pnetTestSupport.waitFor("external node console", timeout, () -> isReady(exec("p2p:status")));
        } catch (AssertionError notReady) {
            throw new AssertionError(notReady.getMessage() + "\n--- console.log\n" + tail("console.log")
                + "\n--- data/log/karaf.log\n" + tail("data/log/karaf.log"), notReady);
        }
    }

    /** The end of the node's console.log and karaf.log, for failure messages. */
    String logs() {
        return "--- " + home + "/console.log\n" + tail("console.log") + "\n--- " + home + "/data/log/karaf.log\n"
            + tail("data/log/karaf.log");
    }

    private String tail(String file) {
        try {
            List<String> lines = Files.readAllLines(home.resolve(file));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    /**
     * Starts the node and waits until it is ready. Karaf 4.4's first boot occasionally deadlocks
     * while the boot features refresh framework bundles (seen a few times in a hundred boots on a
     * loaded 2-core machine; itests/netns/README.md has the thread dump): a node not ready within
     * {@code bootTimeout} is thread-dumped, killed and started once more, and the test fails only
     * if the second boot does not come up either.
     */
    ExternalNode startReady(Duration bootTimeout) throws Exception {
        start();
        awaitReadyRestartingOnce(bootTimeout);
        return this;
    }

    /**
     * After {@link #start()}: waits until the node is ready; one that is not within {@code bootTimeout}
     * is thread-dumped, killed and started once more (see {@link #startReady}).
     */
    void awaitReadyRestartingOnce(Duration bootTimeout) throws Exception {
        try {
            awaitReady(bootTimeout);
        } catch (AssertionError hung) {
            System.out.println("external node in " + home + " did not come up within " + bootTimeout.toSeconds()
                + " s; thread dump " + dumpThreads() + "; restarting it once");
            kill();
            start();
            awaitReady(bootTimeout.multipliedBy(2));
        }
    }

    /** What to do to each node in {@link #eachInParallel}. */
    interface NodeAction {
        void apply(ExternalNode node) throws Exception;
    }

    /**
     * Applies the action to every node at once on the pool and waits for each (at most 120 s each);
     * a failure is printed, not thrown, so that one node's trouble does not keep the others running.
     */
    static void eachInParallel(List<ExternalNode> nodes, java.util.concurrent.ExecutorService pool, NodeAction action) {
        List<java.util.concurrent.Future<?>> pending = new ArrayList<>();
        for (ExternalNode node : nodes) {
            pending.add(pool.submit(() -> {
                action.apply(node);
                return null;
            }));
        }
        for (java.util.concurrent.Future<?> f : pending) {
            try {
                f.get(120, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.out.println("external node: " + e);
            }
        }
    }

    /**
     * What {@code bin/client} prints when its SSH session broke before the command ran (seen once in
     * a few hundred CI commands on a loaded machine: "[ssh-connection]: Failed (IOException) to
     * execute: Broken pipe").
     */
    private static final java.util.regex.Pattern SSH_TRANSPORT_FAILURE =
        java.util.regex.Pattern.compile("\\A\\s*\\[ssh-[a-z-]+\\]: Failed \\([A-Za-z]+\\) to execute: [^\\n]*\\s*\\z");

    /**
     * Runs one shell command on the node; returns its output. A broken SSH session (the whole output
     * is the client's transport failure: the session broke, in every case seen before the command ran)
     * is tried again, at most twice.
     */
    String exec(String command) throws Exception {
        if (commandPrefix.isEmpty() && IN_PROCESS_SSH) {
            return execInProcess(command);
        }
        String out = execOnce(command);
        for (int retry = 1; retry <= 2 && SSH_TRANSPORT_FAILURE.matcher(out).matches(); retry++) {
            System.out.println("external node " + home + ": bin/client failed (" + out.trim() + "); trying '" + command
                + "' again (" + retry + "/2)");
            Thread.sleep(500L * retry); // back off before a new session; there is no condition to wait for
            out = execOnce(command);
        }
        return out;
    }

    /**
     * Whether this JVM can talk SSH itself ({@link ConsoleSsh}): on the failsafe class path, yes; in a
     * Pax Exam container, only if its probe can see Apache SSHD. Without it, {@code bin/client} runs.
     */
    private static final boolean IN_PROCESS_SSH = canLoad("org.apache.sshd.client.SshClient");

    private static boolean canLoad(String className) {
        try {
            Class.forName(className, false, ExternalNode.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }

    /**
     * The command over an SSH session of this JVM: what {@code bin/client -r 5 -d 1} does (a console
     * not up yet is tried 5 times, a second apart, then its failure is the output), without a JVM
     * start per command. Nodes in a namespace keep {@code bin/client}: their loopback is not ours.
     */
    private String execInProcess(String command) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return ConsoleSsh.exec(sshPort, command, Duration.ofSeconds(60));
            } catch (ConsoleSsh.NotConnected notUp) {
                if (attempt >= 5) {
                    return "console not reachable: " + notUp.getMessage() + "\n";
                }
                Thread.sleep(1000); // bin/client's retry delay; the console gives no event to wait for
            }
        }
    }

    private String execOnce(String command) throws Exception {
        List<String> cmd = prefixed(home.resolve("bin/client").toString(), "-h", "127.0.0.1", "-a", String.valueOf(sshPort),
            "-u", "karaf", "-p", "karaf", "-r", "5", "-d", "1", "-b");
        // output to a file, so that a client that hangs cannot block us beyond the wait below
        Path out = Files.createTempFile("p2pnet-client-", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IOException("bin/client did not finish: " + command);
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
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

    /**
     * Writes a thread dump of the node's JVM (jcmd Thread.print) to {@code threads-<n>.txt} in its home,
     * for a node that hangs; returns the file, or null when there is no live process.
     */
    Path dumpThreads() {
        if (process == null || !process.isAlive()) {
            return null;
        }
        try {
            Path to = Files.createTempFile(home, "threads-", ".txt");
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(process.pid()), "Thread.print").redirectErrorStream(true).redirectOutput(to.toFile()).start();
            if (!jcmd.waitFor(30, TimeUnit.SECONDS)) {
                jcmd.destroyForcibly();
            }
            return to;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    /**
     * Stops the node's whole process tree: bin/karaf does not always exec its JVM, so signalling
     * only the script could leave the Karaf JVM running on its own.
     */
    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().collect(Collectors.toList()));
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy); // SIGTERM: Karaf stops its bundles in order
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException stillRunning) {
                p.destroyForcibly();
                try {
                    p.onExit().get(10, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    System.err.println("process " + p.pid() + " of the external node did not exit");
                }
            }
        }
    }

    /** Whether the node's process runs (false before {@link #start()} and after it exited or was killed). */
    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Kills the node's process at once (SIGKILL, bounded wait): for a node that hangs and would not stop in order. */
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws Exception {
        stop();
        if (Files.exists(home)) {
            try (Stream<Path> walk = Files.walk(home)) {
                walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }
}
