package org.p2pnet.itests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One SSH session to a node's Karaf console, kept open, through which shell commands are run and
 * timed: the honest way to measure how long a console command takes while {@code bin/client} costs a
 * JVM start (about a second) per call.
 *
 * <p>The SSH client (Apache SSHD, from the node distribution's {@code system/} folder, the same jars
 * {@code bin/client} uses) is not on the itests class path, so the probe is a small single-file Java
 * program ({@link #SOURCE}), written to a temporary directory and run with {@code java File.java}:
 * it logs in once, then for every command line read from stdin opens an exec channel on that session
 * and prints {@code OK <ms> <base64 output>}, where {@code ms} runs from opening the channel to the
 * channel's close after the command's last output (SSH round trip, Karaf's command session and the
 * command itself). Karaf's SSH server ends the session shortly after an exec command completes (seen
 * here: nearly every command), so before a command the probe logs in again when the session is closed
 * or closing, and once more if the command fails because the session went away meanwhile; that login
 * (TCP connect, key exchange, password authentication) counts in the command's time, which is thus an
 * upper bound of the console's own latency. Logins are counted ({@link #relogins()}), other session
 * events printed and counted ({@link #sessionEvents()}). With a command prefix ({@code ip netns exec NS})
 * the probe runs in a namespace.
 */
final class FloodShellProbe implements AutoCloseable {
    /** A timed command: its latency in ms and what it printed. */
    record Answer(long millis, String output) {
    }

    static final String SOURCE = """
        import java.io.*;
        import java.nio.charset.StandardCharsets;
        import java.util.*;
        import java.util.concurrent.TimeUnit;
        import org.apache.sshd.client.SshClient;
        import org.apache.sshd.client.channel.ChannelExec;
        import org.apache.sshd.client.channel.ClientChannelEvent;
        import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
        import org.apache.sshd.client.session.ClientSession;
        import org.apache.sshd.common.session.Session;
        import org.apache.sshd.common.session.SessionListener;

        public class FloodSshProbe {
            static PrintStream out;

            static ClientSession login(SshClient client, String host, int port) throws IOException {
                ClientSession session = client.connect("karaf", host, port).verify(30, TimeUnit.SECONDS).getSession();
                session.addPasswordIdentity("karaf");
                session.auth().verify(30, TimeUnit.SECONDS);
                return session;
            }

            public static void main(String[] args) throws Exception {
                out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
                SshClient client = SshClient.setUpDefaultClient();
                client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
                client.addSessionListener(new SessionListener() {
                    @Override
                    public void sessionException(Session session, Throwable t) {
                        out.println("EVENT session exception: " + String.valueOf(t).replace('\\n', ' '));
                    }

                    @Override
                    public void sessionDisconnect(Session session, int reason, String msg, String language, boolean initiator) {
                        out.println("EVENT session disconnect: reason " + reason + " '" + msg + "' " + (initiator ? "by us" : "by the server"));
                    }

                    @Override
                    public void sessionClosed(Session session) {
                        out.println("EVENT session closed");
                    }
                });
                client.start();
                String host = args[0];
                int port = Integer.parseInt(args[1]);
                ClientSession session = login(client, host, port);
                out.println("READY");
                try {
                    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                    for (String line; (line = in.readLine()) != null; ) {
                        long t0 = System.nanoTime();
                        String answer = null;
                        // a session the server closed is replaced by a new one; the time that takes counts in this command's latency
                        for (int attempt = 1; attempt <= 2 && answer == null; attempt++) {
                            try {
                                if (session.isClosing() || !session.isOpen()) {
                                    session.close(true);
                                    session = login(client, host, port);
                                    out.println("EVENT reconnected");
                                }
                                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                                try (ChannelExec channel = session.createExecChannel(line)) {
                                    channel.setOut(bytes);
                                    channel.setErr(bytes);
                                    channel.open().verify(30, TimeUnit.SECONDS);
                                    Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), 30_000L);
                                    if (!events.contains(ClientChannelEvent.CLOSED)) {
                                        answer = "ERR command did not finish within 30 s: " + events;
                                        continue;
                                    }
                                }
                                long ms = (System.nanoTime() - t0) / 1_000_000L;
                                answer = "OK " + ms + " " + Base64.getEncoder().encodeToString(bytes.toByteArray());
                            } catch (Exception e) {
                                out.println("EVENT attempt " + attempt + " failed: " + String.valueOf(e).replace('\\n', ' '));
                                if (attempt == 2) {
                                    answer = "ERR " + String.valueOf(e).replace('\\n', ' ');
                                }
                            }
                        }
                        out.println(answer);
                    }
                } finally {
                    session.close(true);
                    client.stop();
                }
            }
        }
        """;

    private final Process process;
    private final Writer toProbe;
    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(1024);
    private final Path dir;
    private final String name;
    private final java.util.concurrent.atomic.AtomicInteger events = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger logins = new java.util.concurrent.atomic.AtomicInteger();

    private FloodShellProbe(Process process, Path dir, String name) {
        this.process = process;
        this.dir = dir;
        this.name = name;
        this.toProbe = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("OK ") || line.startsWith("ERR ") || line.equals("READY")) {
                        lines.offer(line);
                    } else {
                        if (line.equals("EVENT reconnected")) {
                            logins.incrementAndGet();
                        } else if (!line.equals("EVENT session closed")) {
                            events.incrementAndGet();
                            System.out.println("ssh probe " + name + ": " + line);
                        }
                    }
                }
            } catch (IOException ended) {
                // the probe ended
            }
        }, "flood-ssh-probe-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a probe logged in to {@code 127.0.0.1:sshPort} of the node unpacked at {@code nodeHome},
     * through {@code prefix} (empty: directly); waits at most 60 s for the login.
     */
    static FloodShellProbe open(Path nodeHome, int sshPort, List<String> prefix) throws Exception {
        Path dir = Files.createTempDirectory("p2pflood-probe-");
        Path source = dir.resolve("FloodSshProbe.java");
        Files.writeString(source, SOURCE);
        String cp = nodeHome.resolve("system/org/apache/karaf/org.apache.karaf.client/4.4.10/org.apache.karaf.client-4.4.10.jar")
            + ":" + nodeHome.resolve("system/org/apache/sshd/sshd-osgi/2.17.1/sshd-osgi-2.17.1.jar");
        for (String jar : cp.split(":")) {
            if (!Files.exists(Path.of(jar))) {
                throw new IllegalStateException("the SSH client jar " + jar + " is not in the node distribution");
            }
        }
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
            "-XX:TieredStopAtLevel=1", "-cp", cp, source.toString(), "127.0.0.1", String.valueOf(sshPort)));
        Process p = new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile()).start();
        FloodShellProbe probe = new FloodShellProbe(p, dir, nodeHome.getFileName().toString());
        String first = probe.lines.poll(60, TimeUnit.SECONDS);
        if (!"READY".equals(first)) {
            String err = Files.exists(dir.resolve("stderr.txt")) ? Files.readString(dir.resolve("stderr.txt")) : "";
            probe.close();
            throw new IllegalStateException("the SSH probe did not log in: " + first + "\n" + err);
        }
        return probe;
    }

    /** How many unexpected session events (exceptions, disconnects, failed attempts) the probe reported; each is printed. */
    int sessionEvents() {
        return events.get();
    }

    /** How many times the probe logged in again because the server had closed the session (after an exec, Karaf does). */
    int relogins() {
        return logins.get();
    }

    /** Runs one command on the session; returns its latency and output (at most 40 s). */
    synchronized Answer exec(String command) throws Exception {
        if (command.contains("\n")) {
            throw new IllegalArgumentException("one line only: " + command);
        }
        lines.clear();
        toProbe.write(command + "\n");
        toProbe.flush();
        String line = lines.poll(40, TimeUnit.SECONDS);
        if (line == null) {
            throw new IOException("no answer from the SSH probe within 40 s to: " + command);
        }
        if (!line.startsWith("OK ")) {
            throw new IOException("SSH probe: " + line + " (command: " + command + ")");
        }
        String[] parts = line.split(" ", 3);
        String output = parts.length > 2 ? new String(Base64.getDecoder().decode(parts[2]), StandardCharsets.UTF_8) : "";
        return new Answer(Long.parseLong(parts[1]), output);
    }

    @Override
    public void close() throws Exception {
        try {
            toProbe.close();
        } catch (IOException ignored) {
            // already gone
        }
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(dir.resolve("FloodSshProbe.java"));
        Files.deleteIfExists(dir.resolve("stderr.txt"));
        Files.deleteIfExists(dir);
    }
}
