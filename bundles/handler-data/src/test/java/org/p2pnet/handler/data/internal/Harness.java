package org.p2pnet.handler.data.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelStats;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerEvent;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.packet.BinaryPacket;
import org.p2pnet.api.packet.DataPacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.RawPacket;
import org.p2pnet.testing.FakePeerChannel;
import org.p2pnet.testing.RecordingPeerNetwork;

/**
 * Two (or more) engines wired through fake channels that deliver asynchronously, in order, on a
 * thread per direction, and complete send stages when "written" (at once, after a delay, or never
 * while held). A fake core per node answers channel look-ups; trust levels are set by the test.
 */
final class Harness implements AutoCloseable {
    static final PeerId A = FakePeerChannel.peer('a');
    static final PeerId B = FakePeerChannel.peer('b');
    static final PeerId C = FakePeerChannel.peer('c');

    /** One node: its engine, its fake core, its storage. */
    final class Node {
        final PeerId id;
        final Path storage;
        final FakeNet net = new FakeNet();
        final AtomicLong free = new AtomicLong(Long.MAX_VALUE / 8);
        final List<DataEngine.ListenerRef> listeners = new CopyOnWriteArrayList<>();
        DataSettings settings;
        DataEngine engine;

        Node(PeerId id, Path storage, DataSettings settings) {
            this.id = id;
            this.storage = storage;
            this.settings = settings;
            start();
        }

        void start() {
            engine = new DataEngine(settings, net, dir -> free.get(), () -> listeners, Clock.systemUTC());
        }

        void event(PeerEvent.Kind kind, PeerId peer) {
            engine.peerEvent(new PeerEvent(kind, peer, new PeerAddress("127.0.0.1", 7700), ChannelDirection.OUTBOUND,
                    Optional.empty()));
        }
    }

    /** The fake core: the node's channel per peer. */
    static final class FakeNet extends RecordingPeerNetwork {
        final Map<PeerId, FakeChannel> channels = new ConcurrentHashMap<>();

        @Override
        public Optional<PeerChannel> channel(PeerId id) {
            return Optional.ofNullable(channels.get(id));
        }

        @Override
        public Collection<PeerChannel> activeChannels() {
            return channels.values().stream().filter(FakeChannel::isOpen).map(c -> (PeerChannel) c).toList();
        }

        @Override
        public Collection<PeerChannel> trustedChannels() {
            return channels.values().stream().filter(c -> c.isOpen() && c.trustLevel() == TrustLevel.ENHANCED)
                    .map(c -> (PeerChannel) c).toList();
        }
    }

    /** One direction of a link: the sending node's channel to the peer. */
    final class FakeChannel implements PeerChannel {
        final PeerId remote;
        final Node to;
        final PeerId from;
        volatile TrustLevel level = TrustLevel.ENHANCED;
        volatile boolean open = true;
        volatile boolean hold;
        /** False: isWritable() says no and whenWritable() waits for {@link #writable(boolean)}. */
        volatile boolean writable = true;
        final AtomicInteger whenWritableCalls = new AtomicInteger();
        final List<CompletableFuture<Void>> writableWaiters = new CopyOnWriteArrayList<>();
        volatile long delayMillis;
        /** Applied to each packet sent: the packets to deliver instead (none: dropped). */
        volatile Function<Packet, List<Packet>> transform = List::of;
        final List<Packet> sent = new CopyOnWriteArrayList<>();
        final AtomicLong dataBytes = new AtomicLong();
        final List<CompletableFuture<Void>> held = new CopyOnWriteArrayList<>();
        final ExecutorService delivery;
        FakeChannel reverse;

        FakeChannel(PeerId from, Node to) {
            this.from = from;
            this.remote = to.id;
            this.to = to;
            this.delivery = Executors.newSingleThreadExecutor(r -> new Thread(r, "fake-delivery"));
            executors.add(delivery);
        }

        @Override
        public CompletionStage<Void> send(Packet packet) {
            if (!open) {
                return CompletableFuture.failedFuture(new IllegalStateException("channel closed"));
            }
            Packet copy = packet instanceof DataPacket d ? d.withBody(d.body().clone()) : packet; // the codec encodes
            sent.add(copy);
            if (copy instanceof DataPacket d) {
                dataBytes.addAndGet(d.body().length);
            }
            List<Packet> deliver = transform.apply(copy);
            delivery.execute(() -> {
                for (Packet p : deliver) {
                    if (open && reverse.open) {
                        to.engine.handle(reverse, p);
                    }
                }
            });
            CompletableFuture<Void> written = new CompletableFuture<>();
            if (hold) {
                held.add(written);
            } else if (delayMillis > 0) {
                timer.schedule(() -> written.complete(null), delayMillis, TimeUnit.MILLISECONDS);
            } else {
                written.complete(null);
            }
            return written;
        }

        List<Control> controls() {
            List<Control> out = new ArrayList<>();
            for (Packet p : sent) {
                if (p instanceof RawPacket raw) {
                    out.add(Control.read(raw.metadata()));
                }
            }
            return out;
        }

        void close() {
            open = false;
            held.forEach(f -> f.completeExceptionally(new IllegalStateException("channel closed")));
        }

        @Override
        public String channelId() {
            return "fake-" + from.shortForm() + "-" + remote.shortForm();
        }

        @Override
        public PeerId peerId() {
            return remote;
        }

        @Override
        public PeerAddress remoteAddress() {
            return new PeerAddress("127.0.0.1", 40000);
        }

        @Override
        public PeerAddress listenAddress() {
            return new PeerAddress("127.0.0.1", 7700);
        }

        @Override
        public ChannelDirection direction() {
            return ChannelDirection.OUTBOUND;
        }

        @Override
        public TrustLevel trustLevel() {
            return level;
        }

        @Override
        public boolean trustPending() {
            return false;
        }

        @Override
        public long untrustedDrops() {
            return 0;
        }

        @Override
        public byte[] peerPublicKey() {
            return new byte[0];
        }

        @Override
        public Instant openedAt() {
            return FakePeerChannel.OPENED;
        }

        @Override
        public Instant lastActivity() {
            return FakePeerChannel.LAST_ACTIVITY;
        }

        @Override
        public ChannelStats stats() {
            return new ChannelStats(0, 0, 0, 0);
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public boolean isWritable() {
            return open && writable;
        }

        @Override
        public CompletionStage<Void> whenWritable() {
            whenWritableCalls.incrementAndGet();
            if (!open) {
                return CompletableFuture.failedFuture(new IllegalStateException("channel closed"));
            }
            if (writable) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> waiter = new CompletableFuture<>();
            writableWaiters.add(waiter);
            if (writable) {
                waiter.complete(null);
            }
            return waiter;
        }

        /** Turns writability on or off; on completes every waiter. */
        void writable(boolean on) {
            writable = on;
            if (on) {
                writableWaiters.forEach(w -> w.complete(null));
                writableWaiters.clear();
            }
        }

        @Override
        public CompletionStage<Void> disconnect(DisconnectReason reason, String message) {
            close();
            return CompletableFuture.completedFuture(null);
        }
    }

    final Path root;
    final List<ExecutorService> executors = new CopyOnWriteArrayList<>();
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "fake-timer"));
    final List<Node> nodes = new ArrayList<>();

    Harness(Path root) {
        this.root = root;
    }

    Node node(PeerId id, Function<DataSettings, DataSettings> tweak) throws IOException {
        Path storage = root.resolve(id.shortForm()).resolve("files");
        Files.createDirectories(storage);
        Node n = new Node(id, storage, tweak.apply(settings(storage)));
        nodes.add(n);
        return n;
    }

    /** Test defaults: small chunks and window so that a few MiB take many round trips. */
    static DataSettings settings(Path storage) {
        return new DataSettings(storage, 64 * 1024, 512 * 1024, 8L << 30, 16L << 20, 4, 16, 256L << 20, 24);
    }

    /** Opens a link: a channel each way, registered in both fake cores. Returns the a→b channel. */
    FakeChannel link(Node a, Node b) {
        FakeChannel ab = new FakeChannel(a.id, b);
        FakeChannel ba = new FakeChannel(b.id, a);
        ab.reverse = ba;
        ba.reverse = ab;
        a.net.channels.put(b.id, ab);
        b.net.channels.put(a.id, ba);
        return ab;
    }

    /** Closes the link both ways and tells both engines. */
    void cut(Node a, Node b) {
        FakeChannel ab = a.net.channels.get(b.id);
        ab.close();
        ab.reverse.close();
        a.event(PeerEvent.Kind.DISCONNECTED, b.id);
        b.event(PeerEvent.Kind.DISCONNECTED, a.id);
    }

    /** A new link, and both engines told CONNECTED. */
    FakeChannel reconnect(Node a, Node b) {
        FakeChannel ab = link(a, b);
        a.event(PeerEvent.Kind.CONNECTED, b.id);
        b.event(PeerEvent.Kind.CONNECTED, a.id);
        return ab;
    }

    static Path randomFile(Path dir, String name, long size, long seed) throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve(name);
        Random r = new Random(seed);
        byte[] block = new byte[1 << 20];
        try (var out = Files.newOutputStream(f)) {
            long left = size;
            while (left > 0) {
                r.nextBytes(block);
                int n = (int) Math.min(block.length, left);
                out.write(block, 0, n);
                left -= n;
            }
        }
        return f;
    }

    static long dataBytes(List<Packet> packets) {
        return packets.stream().filter(p -> p instanceof BinaryPacket).mapToLong(p -> ((BinaryPacket) p).body().length)
                .sum();
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            n.engine.close();
        }
        executors.forEach(ExecutorService::shutdownNow);
        timer.shutdownNow();
    }
}
