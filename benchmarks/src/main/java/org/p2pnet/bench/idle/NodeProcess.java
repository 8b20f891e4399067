package org.p2pnet.bench.idle;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The parent's handle on a {@link NodeMain} child JVM: starts it (same java, same classpath, the
 * given heap limit), reads its READY line, sends commands and reads their answer lines. Every
 * wait is bounded; {@link #close} asks the node to quit and kills it if it does not.
 */
public final class NodeProcess implements AutoCloseable {
    private static final long START_TIMEOUT_MS = 60_000;
    private static final long QUIT_TIMEOUT_MS = 30_000;

    /** What the node reported in one {@code measure}. */
    public record Measure(long heapBytes, int inbound, int threads, long fds, long directBytes, long rssBytes,
                          long cpuNanos) {
    }

    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final int port;
    private final String peerId;
    private final long pid;
    private final String collectors;
    /** Kills the node JVM should this JVM end without {@link #close} (Ctrl-C). */
    private final Thread killer;

    private NodeProcess(Process process, Thread killer, Map<String, String> ready) {
        this.process = process;
        this.killer = killer;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.port = Integer.parseInt(ready.get("port"));
        this.peerId = ready.get("id");
        this.pid = Long.parseLong(ready.get("pid"));
        this.collectors = ready.getOrDefault("gc", "?");
    }

    /**
     * Starts a node JVM: {@code java <jvmArgs> -cp <this classpath> <mainClass> --node --tls <tls> --channels <n>}.
     * Its stderr goes to ours; its stdout carries the answers.
     */
    public static NodeProcess start(String mainClass, List<String> jvmArgs, boolean tls, int channels)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.add("--node");
        command.add("--tls");
        command.add(Boolean.toString(tls));
        command.add("--channels");
        command.add(Integer.toString(channels));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread killer = new Thread(process::destroyForcibly, "idle-node-kill");
        Runtime.getRuntime().addShutdownHook(killer);
        BlockingQueue<String> startLines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    startLines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
            startLines.add("EOF");
        }, "idle-node-stdout");
        reader.setDaemon(true);
        reader.start();
        String line = startLines.poll(START_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        while (line != null && !line.startsWith("READY") && !line.equals("EOF")) {
            line = startLines.poll(START_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        if (line == null || !line.startsWith("READY")) {
            process.destroyForcibly();
            Runtime.getRuntime().removeShutdownHook(killer);
            throw new IOException("the node JVM did not start (" + (line == null ? "no READY within "
                    + START_TIMEOUT_MS / 1000 + " s" : "it exited with " + process.waitFor()) + ")");
        }
        NodeProcess node = new NodeProcess(process, killer, fields(line));
        // from now on the reader thread feeds the node's queue
        Thread relay = new Thread(() -> {
            try {
                while (true) {
                    String next = startLines.take();
                    node.lines.add(next);
                    if (next.equals("EOF")) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "idle-node-relay");
        relay.setDaemon(true);
        relay.start();
        return node;
    }

    public int port() {
        return port;
    }

    public String peerId() {
        return peerId;
    }

    public long pid() {
        return pid;
    }

    /** The node JVM's garbage collectors, as its MXBeans name them. */
    public String collectors() {
        return collectors;
    }

    /** The node's inbound channel count now. */
    public int inbound() throws IOException, InterruptedException {
        return Integer.parseInt(fields(ask("status", "STATUS", 10_000)).get("inbound"));
    }

    /** The node's rejection counters ("-" when none), for diagnostics. */
    public String rejections() throws IOException, InterruptedException {
        return fields(ask("status", "STATUS", 10_000)).get("rejections");
    }

    /** GC until the heap is stable, then heap, channels, threads, fds, direct memory, RSS. */
    public Measure measure() throws IOException, InterruptedException {
        Map<String, String> f = fields(ask("measure", "MEASURE", 60_000));
        return new Measure(Long.parseLong(f.get("heap")), Integer.parseInt(f.get("inbound")),
                Integer.parseInt(f.get("threads")), Long.parseLong(f.get("fds")), Long.parseLong(f.get("direct")),
                Long.parseLong(f.get("rss")), Long.parseLong(f.get("cpu")));
    }

    /** The first {@code count} lines of the node's class histogram. */
    public List<String> histogram(int count) throws IOException, InterruptedException {
        send("histogram " + count);
        List<String> result = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String line = next(deadline);
            if (line.equals("END")) {
                return result;
            }
            result.add(line);
        }
    }

    private String ask(String command, String answer, long timeoutMs) throws IOException, InterruptedException {
        send(command);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            String line = next(deadline);
            if (line.startsWith(answer)) {
                return line;
            }
            if (line.startsWith("ERROR")) {
                throw new IOException("node: " + line);
            }
        }
    }

    private String next(long deadline) throws IOException, InterruptedException {
        String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null) {
            throw new IOException("the node JVM did not answer in time");
        }
        if (line.equals("EOF")) {
            throw new IOException("the node JVM ended unexpectedly (exit code "
                    + (process.isAlive() ? "?" : process.exitValue()) + ")");
        }
        return line;
    }

    private void send(String command) throws IOException {
        commands.write(command + "\n");
        commands.flush();
    }

    /** Asks the node to quit (it closes its channels), then kills it if it is still there. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                send("quit");
                commands.close();
            }
            if (!process.waitFor(QUIT_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    /** "WORD k=v k=v" to a map. */
    private static Map<String, String> fields(String line) {
        Map<String, String> map = new HashMap<>();
        for (String word : line.trim().split("\\s+")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                map.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return map;
    }

    /** The running JVM's java launcher. */
    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
