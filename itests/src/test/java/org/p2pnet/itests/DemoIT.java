package org.p2pnet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.After;
import org.junit.Test;

/**
 * {@code ./p2pnet demo} as a user runs it, from the repository root: a genesis node and four nodes
 * on loopback, a message, a hot swap of bob's message handler, a broadcast and a file. The script
 * must exit 0 within {@link #TIMEOUT_MINUTES} and its summary must list every step as ok. It runs
 * with {@code P2PNET_NO_BUILD=1}: it uses the distributions already built (the same archives as
 * the other itests) and never rebuilds them here.
 */
public class DemoIT {
    /**
     * About 2 minutes on an idle 2-core machine, 4.5 with other builds competing for the cores;
     * the script bounds every wait itself (5 boots at most 240 s, then one restart), this is the net.
     */
    private static final long TIMEOUT_MINUTES = 8;
    /** The steps the summary must list, in order (the start of each step's name). */
    private static final List<String> STEPS = List.of(
        "unpack and configure genesis, alice, bob, carol, dave",
        "start all five nodes",
        "the genesis node sees the four nodes registered",
        "every node holds a channel and knows the other three",
        "alice sends a message to bob",
        "hot swap of bob's message handler",
        "alice broadcasts: every other node shows it exactly once",
        "alice sends a 4 MiB file to carol");
    /** A summary row: number, step, result, seconds (the table printed by the script). */
    private static final Pattern ROW = Pattern.compile("^\\s*(\\d+)\\s{2}(.+?)\\s{2,}(ok|FAILED|not run)\\s+([0-9.]+) s$");

    private Process demo;
    /** Every process the script started (seen while it ran): none may outlive it. */
    private final Set<ProcessHandle> tree = new LinkedHashSet<>();

    @After
    public void noProcessLeft() throws Exception {
        if (demo != null) {
            stopTree(demo);
        }
    }

    @Test
    public void theDemoRunsEveryStepOkAndExitsZero() throws Exception {
        Path repo = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).resolve("..")
            .toAbsolutePath().normalize();
        Path script = repo.resolve("p2pnet");
        assertTrue("no launcher script at " + script, Files.isExecutable(script));
        for (String archive : List.of("p2pnet.node.tgz", "p2pnet.bootstrap.tgz")) {
            String path = System.getProperty(archive);
            assertTrue("the distribution " + path + " is built (-D" + archive + "); the demo must not build it here",
                path != null && Files.isRegularFile(Path.of(path)));
        }

        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "demo").directory(repo.toFile())
            .redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("P2PNET_NO_BUILD", "1");
        for (String karafVariable : List.of("KARAF_HOME", "KARAF_BASE", "KARAF_DATA", "KARAF_ETC")) {
            pb.environment().remove(karafVariable);
        }
        demo = pb.start();
        demo.getOutputStream().close();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> copyLines(demo, output), "demo-output");
        reader.setDaemon(true);
        reader.start();

        // the node JVMs are the script's children: noted while it runs, to check that none outlives it
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(TIMEOUT_MINUTES);
        boolean ended = false;
        while (!ended && System.nanoTime() < deadline) {
            demo.descendants().forEach(tree::add);
            ended = demo.waitFor(Math.min(2_000, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), TimeUnit.MILLISECONDS);
        }
        if (!ended) {
            System.out.println("./p2pnet demo did not end within " + TIMEOUT_MINUTES + " minutes: stopping it and its nodes");
            stopTree(demo);
        }
        reader.join(TimeUnit.SECONDS.toMillis(30));
        String out;
        synchronized (output) {
            out = output.toString();
        }
        assertTrue("./p2pnet demo ended within " + TIMEOUT_MINUTES + " minutes\n" + out, ended);
        assertEquals("exit status of ./p2pnet demo\n" + out, 0, demo.exitValue());

        Map<String, String> results = summary(out);
        assertEquals("summary rows: " + results + "\n" + out, STEPS.size(), results.size());
        List<String> names = new ArrayList<>(results.keySet());
        for (int i = 0; i < STEPS.size(); i++) {
            assertTrue("step " + (i + 1) + " is '" + STEPS.get(i) + "…': " + names.get(i), names.get(i).startsWith(STEPS.get(i)));
            assertEquals("result of step '" + names.get(i) + "'\n" + out, "ok", results.get(names.get(i)));
        }
        assertTrue(out, out.contains("demo: all " + STEPS.size() + " steps ok"));
        assertTrue("no JVM of the demo is left: " + leftovers(), leftovers().isEmpty());
    }

    /** The summary table's rows after the "summary" heading: step name → result. */
    private static Map<String, String> summary(String out) {
        Map<String, String> rows = new LinkedHashMap<>();
        int at = out.lastIndexOf("==> summary");
        if (at < 0) {
            return rows;
        }
        for (String line : out.substring(at).split("\n")) {
            Matcher m = ROW.matcher(line.replaceAll("\u001B\\[[0-9;]*m", ""));
            if (m.matches()) {
                rows.put(m.group(2).trim(), m.group(3));
            }
        }
        return rows;
    }

    /** Echoes the script's output as it comes (into the test's output file) and keeps it. */
    private static void copyLines(Process process, StringBuilder into) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                System.out.println(line);
                synchronized (into) {
                    into.append(line).append('\n');
                }
            }
        } catch (IOException ended) {
            // the process was stopped
        }
    }

    /** Processes the script started that still run (it stops its nodes itself on every exit). */
    private List<ProcessHandle> leftovers() {
        return tree.stream().filter(ProcessHandle::isAlive).collect(Collectors.toList());
    }

    /**
     * Stops the script and everything it started: SIGTERM to the script first (its trap stops the
     * nodes in order), then, after a bounded wait, SIGKILL to whatever of the tree is left.
     */
    private void stopTree(Process process) throws InterruptedException {
        process.descendants().forEach(tree::add);
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.descendants().forEach(tree::add);
                process.destroyForcibly();
            }
        }
        for (ProcessHandle p : List.copyOf(tree)) {
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException stillRunning) {
                p.destroyForcibly();
            }
        }
    }
}
