package org.p2pnet.itests;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The loopback floods of {@link FloodIT}, from the test JVM, each bounded in count and in time, each
 * closing every socket it opened before it returns (whatever happens): silent TCP connections,
 * connect/close churn, and a UDP datagram storm. Source addresses are spread over
 * {@code 127.0.0.2..127.0.0.(1+sources)} (all of 127/8 is loopback on Linux).
 */
final class FloodSockets {
    private FloodSockets() {
    }

    private static InetSocketAddress source(int i, int sources) {
        return new InetSocketAddress("127.0.0." + (2 + i % sources), 0);
    }

    /** What the silent-connections flood saw. */
    record Silent(int opened, int connected, int connectFailed, int closedByNode, int closedByNodeWithin1s,
                  int bytesFromNode, int closedByTest, long msToLastClose, int maxOpenAtOnce, int serverSideAtBound) {
    }

    /**
     * Opens {@code total} TCP connections to {@code target} that never send a byte, and watches the node
     * close them; every connection still open (or still connecting) {@code bound} after the first connect
     * is closed by us and counted in {@code closedByTest}; just before that, {@code serverSide} is asked how
     * many connections the node's side still holds ({@code serverSideAtBound}).
     */
    static Silent silentConnections(InetSocketAddress target, int total, int sources, Duration bound,
                                    java.util.function.IntSupplier serverSide) throws IOException {
        List<SocketChannel> all = new ArrayList<>(total);
        int connected = 0;
        int connectFailed = 0;
        int closedByNode = 0;
        int within1s = 0;
        int bytes = 0;
        int open = 0;
        int maxOpen = 0;
        long lastClose = 0;
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        try (Selector selector = Selector.open()) {
            int next = 0;
            int live = 0; // connecting or connected, not yet closed
            while (System.nanoTime() < deadline && (next < total || live > 0)) {
                // open in slices, so that the node's closes are seen while we are still opening
                for (int n = 0; n < 250 && next < total; n++, next++) {
                    SocketChannel ch = SocketChannel.open();
                    all.add(ch);
                    ch.configureBlocking(false);
                    ch.bind(source(next, sources));
                    long[] connectedAt = {0};
                    try {
                        if (ch.connect(target)) {
                            connectedAt[0] = System.nanoTime();
                            connected++;
                            open++;
                            ch.register(selector, SelectionKey.OP_READ, connectedAt);
                        } else {
                            ch.register(selector, SelectionKey.OP_CONNECT, connectedAt);
                        }
                        live++;
                    } catch (IOException refused) {
                        connectFailed++;
                        abort(ch);
                    }
                }
                maxOpen = Math.max(maxOpen, open);
                selector.select(next < total ? 5 : 100);
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel ch = (SocketChannel) key.channel();
                    long[] connectedAt = (long[]) key.attachment();
                    try {
                        if (key.isConnectable()) {
                            ch.finishConnect();
                            connectedAt[0] = System.nanoTime();
                            connected++;
                            open++;
                            key.interestOps(SelectionKey.OP_READ);
                        } else if (key.isReadable()) {
                            buffer.clear();
                            int r = ch.read(buffer);
                            if (r < 0) {
                                throw new IOException("end of stream");
                            }
                            bytes += r;
                        }
                    } catch (IOException closed) {
                        if (connectedAt[0] == 0) {
                            connectFailed++;
                        } else {
                            closedByNode++;
                            open--;
                            long now = System.nanoTime();
                            lastClose = now;
                            if (now - connectedAt[0] < TimeUnit.SECONDS.toNanos(1)) {
                                within1s++;
                            }
                        }
                        live--;
                        key.cancel();
                        abort(ch);
                    }
                }
                selector.selectedKeys().clear();
                maxOpen = Math.max(maxOpen, open);
            }
            int serverSideAtBound = serverSide.getAsInt();
            int closedByTest = 0;
            for (SocketChannel ch : all) {
                if (ch.isOpen()) {
                    closedByTest++;
                }
            }
            return new Silent(all.size(), connected, connectFailed, closedByNode, within1s, bytes, closedByTest,
                lastClose == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(lastClose - start), maxOpen, serverSideAtBound);
        } finally {
            closeAll(all);
        }
    }

    /** What the connect/close churn achieved. */
    record Churn(int initiated, int completed, int failed, int abandoned, long millis) {
        double completedPerSecond() {
            return millis == 0 ? 0 : completed * 1000.0 / millis;
        }
    }

    /**
     * Connects to {@code target} and closes at once (with a reset, see {@link #abort}), at {@code perSecond}, for
     * {@code seconds}: at most {@code maxConnects} connects, at most 2,000 in progress at a time,
     * nothing started after {@code seconds}, and whatever still connects 3 s later is abandoned (closed).
     */
    static Churn connectClose(InetSocketAddress target, int perSecond, int seconds, int maxConnects, int sources)
            throws IOException {
        List<SocketChannel> pending = new ArrayList<>();
        int initiated = 0;
        int completed = 0;
        int failed = 0;
        long start = System.nanoTime();
        long stopStarting = start + TimeUnit.SECONDS.toNanos(seconds);
        long hardStop = stopStarting + TimeUnit.SECONDS.toNanos(3);
        try (Selector selector = Selector.open()) {
            int inProgress = 0;
            while (true) {
                long now = System.nanoTime();
                if (now >= hardStop || (now >= stopStarting && inProgress == 0)) {
                    break;
                }
                if (now < stopStarting) {
                    long due = Math.min(maxConnects, (now - start) * perSecond / 1_000_000_000L);
                    while (initiated < due && inProgress < 2000) {
                        SocketChannel ch = SocketChannel.open();
                        initiated++;
                        try {
                            ch.configureBlocking(false);
                            ch.bind(source(initiated, sources));
                            if (ch.connect(target)) {
                                completed++;
                                abort(ch);
                            } else {
                                ch.register(selector, SelectionKey.OP_CONNECT);
                                pending.add(ch);
                                inProgress++;
                            }
                        } catch (IOException e) {
                            failed++;
                            abort(ch);
                        }
                    }
                }
                selector.select(2);
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel ch = (SocketChannel) key.channel();
                    try {
                        ch.finishConnect();
                        completed++;
                    } catch (IOException e) {
                        failed++;
                    }
                    inProgress--;
                    key.cancel();
                    abort(ch);
                }
                selector.selectedKeys().clear();
                if (pending.size() > 4096) {
                    pending.removeIf(ch -> !ch.isOpen());
                }
            }
            int abandoned = 0;
            for (SocketChannel ch : pending) {
                if (ch.isOpen()) {
                    abandoned++;
                }
            }
            return new Churn(initiated, completed, failed, abandoned, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        } finally {
            closeAll(pending);
        }
    }

    /** What the datagram storm sent, by kind. */
    record Storm(long sent, long garbage, long unsigned, long wrongKey, long millis) {
    }

    /**
     * Sends datagrams to {@code 127.0.0.1:port} at about {@code perSecond} until {@code max} were sent
     * or {@code seconds} passed: a third random bytes (1-1300 bytes, so some are oversized), a third
     * announcements of network {@code network} that look valid but carry a random signature (their
     * key matches their id: the node has to verify the signature to drop them), a third whose id is
     * not their key's.
     */
    static Storm datagramStorm(int port, String network, int perSecond, int seconds, long max) throws Exception {
        Random random = new Random(4711);
        List<KeyPair> keys = new ArrayList<>();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        for (int i = 0; i < 32; i++) {
            keys.add(generator.generateKeyPair());
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
        long sent = 0;
        long garbage = 0;
        long unsigned = 0;
        long wrongKey = 0;
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        byte[] sig = new byte[64];
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
            ch.bind(new InetSocketAddress("127.0.0.1", 0));
            long now;
            while (sent < max && (now = System.nanoTime()) < end) {
                long due = Math.min(max, (now - start) * perSecond / 1_000_000_000L);
                if (sent >= due) {
                    Thread.sleep(1); // pacing the storm, not waiting for a condition
                    continue;
                }
                while (sent < due) {
                    byte[] datagram;
                    switch ((int) (sent % 3)) {
                        case 0 -> {
                            datagram = new byte[1 + random.nextInt(1300)];
                            random.nextBytes(datagram);
                            garbage++;
                        }
                        default -> {
                            KeyPair key = keys.get(random.nextInt(keys.size()));
                            byte[] encoded = key.getPublic().getEncoded();
                            boolean matching = sent % 3 == 1;
                            String id = matching ? HexFormat.of().formatHex(sha.digest(encoded))
                                : HexFormat.of().formatHex(sha.digest(sig));
                            random.nextBytes(sig);
                            String json = "{\"v\":1,\"net\":\"" + network + "\",\"id\":\"" + id + "\",\"key\":\""
                                + Base64.getEncoder().encodeToString(encoded) + "\",\"port\":" + (20000 + random.nextInt(20000))
                                + ",\"addrs\":[\"127.0.0.1\"],\"ts\":" + System.currentTimeMillis() + ",\"reply\":false,\"sig\":\""
                                + Base64.getEncoder().encodeToString(sig) + "\"}";
                            datagram = json.getBytes(StandardCharsets.UTF_8);
                            if (matching) {
                                unsigned++;
                            } else {
                                wrongKey++;
                            }
                        }
                    }
                    ch.send(ByteBuffer.wrap(datagram), target);
                    sent++;
                }
            }
        }
        return new Storm(sent, garbage, unsigned, wrongKey, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private static void closeAll(List<SocketChannel> channels) {
        for (SocketChannel ch : channels) {
            try {
                abort(ch);
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /**
     * Closes with a reset (SO_LINGER 0) rather than a FIN: tens of thousands of flood sockets would
     * otherwise sit in TIME_WAIT or FIN_WAIT for minutes, crowding loopback's ephemeral ports, and a
     * later test's freshly chosen free port was once taken meanwhile (TwoNodesIT after FloodIT in CI).
     */
    static void abort(SocketChannel ch) throws IOException {
        if (ch.isOpen()) {
            try {
                ch.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException | UnsupportedOperationException notNow) {
                // a channel that cannot take the option any more is closed plainly
            }
        }
        ch.close();
    }
}
