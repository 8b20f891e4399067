package org.p2pnet.bench.messages;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.core.internal.BenchNode;

/**
 * p2pnet: two real nodes ({@link BenchNode}: core + channel-tcp) on 127.0.0.1 with default
 * settings, plaintext or TLS 1.3. Node B (member 1) connects to node A (member 2) and sends
 * {@link MessagePacket}s on that channel; A's MESSAGE handler counts them, or answers each with a
 * MessagePacket of the same size on the channel it arrived on; B's MESSAGE handler takes the
 * answers.
 *
 * <p>Each message is a new MessagePacket as a user builds one: a sender-chosen id ("m" and the
 * sequence number), the 100-character text, sentAt = System.currentTimeMillis(). The sender
 * respects back-pressure as the API asks: while {@link PeerChannel#isWritable()} is false it waits
 * on {@link PeerChannel#whenWritable()}; it never waits for a send's future. A send refused at
 * once (write buffer over its hard limit) fails the run.
 */
public final class P2pnetSystem implements MessageSystem {
    private static final long WRITABLE_TIMEOUT_SECONDS = 30;

    private final boolean tls;
    private BenchNode a;
    private BenchNode b;
    private PeerChannel channel;
    private long writableWaits;

    public P2pnetSystem(boolean tls) {
        this.tls = tls;
    }

    @Override
    public String name() {
        return tls ? "p2pnet (TLS 1.3)" : "p2pnet (plaintext)";
    }

    @Override
    public void open(Traffic traffic) throws Exception {
        a = BenchNode.start(tls, Map.of());
        b = BenchNode.start(tls, Map.of());
        a.handle(PacketTypes.MESSAGE, (ch, packet) -> {
            if (traffic.echoing()) {
                ch.send(new MessagePacket(((MessagePacket) packet).id(), Payload.TEXT, System.currentTimeMillis()));
            } else {
                traffic.received();
            }
        });
        b.handle(PacketTypes.MESSAGE, (ch, packet) -> traffic.pong());
        channel = b.network().connect(a.address()).toCompletableFuture().get(20, TimeUnit.SECONDS);
        a.awaitChannel(b.id(), Duration.ofSeconds(20));
    }

    @Override
    public void send(long seq) throws Exception {
        if (!channel.isWritable()) {
            writableWaits++;
            try {
                channel.whenWritable().toCompletableFuture().get(WRITABLE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("the channel stayed unwritable for " + WRITABLE_TIMEOUT_SECONDS + " s");
            }
        }
        CompletableFuture<Void> sent = channel.send(
                new MessagePacket("m" + seq, Payload.TEXT, System.currentTimeMillis())).toCompletableFuture();
        if (sent.isCompletedExceptionally()) {
            try {
                sent.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("send " + seq + " refused: " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    /** How often the sender found the channel unwritable and waited. */
    public long writableWaits() {
        return writableWaits;
    }

    @Override
    public List<String> describe() {
        return List.of(name() + ": two nodes (core + channel-tcp, default settings: write buffer watermarks 32/64 KiB,"
                + " limit 16 MiB), B connects to A; payload MessagePacket(id \"m<seq>\", 100-char ASCII text,"
                + " sentAt now); sender waits on whenWritable() while isWritable() is false, never on send futures");
    }

    @Override
    public void close() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }
}
