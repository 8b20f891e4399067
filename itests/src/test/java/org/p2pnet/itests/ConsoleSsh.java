package org.p2pnet.itests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;

/**
 * Runs a command on a node's Karaf console over SSH from this JVM (Apache SSHD, the library
 * {@code bin/client} itself uses), one session and exec channel per command. It answers what
 * {@code bin/client} answers without starting a JVM per command, which is most of the CPU the
 * multi-node tests spent polling their nodes on a 2-core machine.
 */
final class ConsoleSsh {
    private static final Duration LOGIN = Duration.ofSeconds(10);
    private static SshClient client;

    private ConsoleSsh() {
    }

    /** Connecting or logging in failed: the console is not up (yet), nothing ran. */
    static final class NotConnected extends IOException {
        NotConnected(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static synchronized SshClient client() {
        if (client == null) {
            SshClient c = SshClient.setUpDefaultClient();
            c.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            c.start();
            Runtime.getRuntime().addShutdownHook(new Thread(c::stop, "console-ssh-stop"));
            client = c;
        }
        return client;
    }

    /**
     * Runs {@code command} as user karaf on the console at 127.0.0.1:{@code port}; returns what it
     * printed (standard output and error together, as {@code bin/client} shows them).
     *
     * @throws NotConnected when the console does not take a session
     * @throws IOException  when the command does not finish within {@code timeout}
     */
    static String exec(int port, String command, Duration timeout) throws IOException {
        ClientSession session;
        try {
            session = client().connect("karaf", "127.0.0.1", port).verify(LOGIN).getSession();
        } catch (IOException | RuntimeException e) {
            throw new NotConnected("cannot connect to the console at 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        try (session) {
            try {
                session.addPasswordIdentity("karaf");
                session.auth().verify(LOGIN);
            } catch (IOException | RuntimeException e) {
                throw new NotConnected("cannot log in to the console at 127.0.0.1:" + port + ": " + e.getMessage(), e);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ChannelExec channel = session.createExecChannel(command)) {
                channel.setOut(out);
                channel.setErr(out);
                channel.open().verify(LOGIN);
                Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
                if (!events.contains(ClientChannelEvent.CLOSED)) {
                    throw new IOException("'" + command + "' did not finish within " + timeout.toSeconds() + " s");
                }
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
