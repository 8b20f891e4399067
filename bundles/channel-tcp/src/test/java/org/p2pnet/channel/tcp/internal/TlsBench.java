package org.p2pnet.channel.tcp.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.packet.DataFormat;
import org.p2pnet.api.packet.DataPacket;
import org.p2pnet.api.spi.TransportChannel;

/**
 * TLS against plaintext over loopback, two real transports: full handshakes (connect, TLS,
 * IDENTITY both ways, close) per second, then one channel's DATA throughput. Bounded in count and
 * time; prints a Markdown table. Not a test: run it by hand (README, "TLS").
 */
public final class TlsBench {
    private static final int HANDSHAKES = 300;
    private static final int MESSAGES = 20_000;
    private static final int BODY = 4 * 1024;
    /** Sends in flight before waiting for them: well below the 256 KiB write limit of the test settings. */
    private static final int WINDOW = 32;
    private static final Duration PHASE_LIMIT = Duration.ofSeconds(20);
    private static final long AWAIT_SECONDS = 10;

    private TlsBench() {
    }

    private record Result(String mode, int handshakes, double handshakesPerSecond, int messages, double messagesPerSecond,
                          double mebibytesPerSecond) {
    }

    public static void main(String[] args) throws Exception {
        List<Result> results = new ArrayList<>();
        for (int round = 0; round < 2; round++) { // the first round warms the JIT up and is not shown
            results.clear();
            results.add(run(false));
            results.add(run(true));
        }
        System.out.println("| mode | handshakes | handshakes/s | messages (" + BODY + " B) | messages/s | MiB/s |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            System.out.printf("| %s | %d | %.0f | %d | %.0f | %.1f |%n", r.mode(), r.handshakes(), r.handshakesPerSecond(),
                    r.messages(), r.messagesPerSecond(), r.mebibytesPerSecond());
        }
    }

    private static Result run(boolean tls) throws Exception {
        TcpTransport a = new TcpTransport(tls);
        TcpTransport b = new TcpTransport(tls);
        try {
            FakeHost hostA = new FakeHost(FakeHost.settings(1024 * 1024));
            FakeHost hostB = new FakeHost(FakeHost.settings(1024 * 1024));
            InetSocketAddress addressA = a.open(hostA);
            b.open(hostB);
            PeerAddress target = new PeerAddress("127.0.0.1", addressA.getPort());

            long deadline = System.nanoTime() + PHASE_LIMIT.toNanos();
            long start = System.nanoTime();
            int handshakes = 0;
            while (handshakes < HANDSHAKES && System.nanoTime() < deadline) {
                TransportChannel channel = b.dial(target).toCompletableFuture().get(AWAIT_SECONDS, TimeUnit.SECONDS);
                hostA.awaitIdentified();
                hostB.awaitIdentified();
                channel.close(DisconnectReason.REQUESTED, "bench").toCompletableFuture().get(AWAIT_SECONDS, TimeUnit.SECONDS);
                handshakes++;
            }
            double handshakeSeconds = (System.nanoTime() - start) / 1e9;

            TransportChannel channel = b.dial(target).toCompletableFuture().get(AWAIT_SECONDS, TimeUnit.SECONDS);
            RecordingSink receiver = hostA.awaitIdentified().sink();
            hostB.awaitIdentified();
            byte[] body = new byte[BODY];
            deadline = System.nanoTime() + PHASE_LIMIT.toNanos();
            start = System.nanoTime();
            int sent = 0;
            List<CompletableFuture<Void>> inFlight = new ArrayList<>(WINDOW);
            while (sent < MESSAGES && System.nanoTime() < deadline) {
                inFlight.add(channel.send(new DataPacket("bench", DataFormat.MISC, "m", (long) sent * BODY,
                        (long) MESSAGES * BODY, "", false, body)).toCompletableFuture());
                sent++;
                if (inFlight.size() == WINDOW) {
                    CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(AWAIT_SECONDS, TimeUnit.SECONDS);
                    inFlight.clear();
                }
            }
            int expected = sent;
            Conditions.waitUntil(() -> receiver.received.size() >= expected, Duration.ofSeconds(AWAIT_SECONDS),
                    () -> receiver.received.size() + " of " + expected + " received");
            double messageSeconds = (System.nanoTime() - start) / 1e9;
            return new Result(tls ? "TLS 1.3" : "plaintext", handshakes, handshakes / handshakeSeconds, sent,
                    sent / messageSeconds, sent * (double) BODY / (1024 * 1024) / messageSeconds);
        } finally {
            a.close();
            b.close();
        }
    }
}
