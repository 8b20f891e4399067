package org.p2pnet.discovery.lan.internal;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sockets of one run of the service, and the thread that reads them.
 *
 * <ul>
 * <li>One IPv4 listener per designated port, bound to {@code 0.0.0.0} with {@code SO_REUSEADDR},
 *     so that every node on the host binds the same ports and each gets its own copy of every
 *     broadcast and multicast datagram; joined to the IPv4 group on each multicast-capable interface.</li>
 * <li>Where an interface has IPv6 and multicast: one IPv6 listener per designated port, bound to
 *     {@code [::]}, joined to the IPv6 link-local group. IPv4 datagrams it also sees (dual stack)
 *     are ignored there: the IPv4 listener has them.</li>
 * <li>One sender per family on an ephemeral port of its own. Announcements leave from it, so a
 *     direct reply to its address reaches exactly this node, even when several nodes share the
 *     designated ports. It is read too, for those replies.</li>
 * </ul>
 * One thread, {@code p2pnet-discovery-receiver-N}, reads them all through a selector. Every
 * socket is closed and the thread ended by {@link #close}.
 */
final class DiscoveryEndpoint implements AutoCloseable {
    /** Called on the receiver thread for every datagram. Must not throw; the loop survives if it does. */
    interface Receiver {
        void received(byte[] data, int length, InetSocketAddress source);
    }

    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryEndpoint.class);
    /** Datagrams read from one socket before looking at the others: no socket starves the rest. */
    private static final int READS_PER_SOCKET = 64;
    private static final long JOIN_MILLIS = 2000;

    private final List<DatagramChannel> channels = new ArrayList<>();
    private final List<DatagramChannel> v6Listeners = new ArrayList<>();
    private final List<String> groups = new ArrayList<>();
    private final Selector selector;
    private DatagramChannel senderV4;
    private DatagramChannel senderV6;
    private Thread thread;
    private volatile boolean open = true;

    private DiscoveryEndpoint() throws IOException {
        this.selector = Selector.open();
    }

    /**
     * Binds every socket and starts the receiver thread.
     *
     * @throws IOException naming the port or group that failed; nothing stays open then
     */
    static DiscoveryEndpoint open(DiscoverySettings settings, LocalInterfaces interfaces, Receiver receiver,
                                  String threadName) throws IOException {
        DiscoveryEndpoint endpoint = new DiscoveryEndpoint();
        try {
            endpoint.bind(settings, interfaces);
            endpoint.startReceiver(receiver, threadName);
            return endpoint;
        } catch (IOException | RuntimeException e) {
            endpoint.close();
            throw e;
        }
    }

    private void bind(DiscoverySettings settings, LocalInterfaces interfaces) throws IOException {
        List<LocalInterfaces.Local> v4Multicast = interfaces.all().stream()
                .filter(l -> l.multicast() && l.hasV4()).toList();
        List<LocalInterfaces.Local> v6Multicast = interfaces.all().stream()
                .filter(l -> l.multicast() && l.hasV6() && !l.loopback()).toList();
        boolean useV6 = settings.multicastEnabled() && settings.groupV6() != null && !v6Multicast.isEmpty();
        for (int port : settings.ports()) {
            DatagramChannel v4 = listener(StandardProtocolFamily.INET, new InetSocketAddress("0.0.0.0", port));
            if (settings.multicastEnabled() && settings.groupV4() != null) {
                joinAll(v4, settings.groupV4(), v4Multicast, port);
            }
            if (useV6) {
                DatagramChannel v6 = listener(StandardProtocolFamily.INET6, new InetSocketAddress("::", port));
                v6Listeners.add(v6);
                joinAll(v6, settings.groupV6(), v6Multicast, port);
            }
        }
        senderV4 = sender(StandardProtocolFamily.INET, new InetSocketAddress("0.0.0.0", 0));
        if (useV6) {
            senderV6 = sender(StandardProtocolFamily.INET6, new InetSocketAddress("::", 0));
        }
    }

    private DatagramChannel listener(StandardProtocolFamily family, InetSocketAddress address) throws IOException {
        DatagramChannel channel = register(DatagramChannel.open(family));
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        try {
            channel.bind(address);
        } catch (IOException e) {
            throw new IOException("cannot bind the discovery port " + address + ": " + e.getMessage(), e);
        }
        return channel;
    }

    private DatagramChannel sender(StandardProtocolFamily family, InetSocketAddress address) throws IOException {
        DatagramChannel channel = register(DatagramChannel.open(family));
        channel.setOption(StandardSocketOptions.SO_BROADCAST, true);
        channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
        channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
        channel.bind(address);
        return channel;
    }

    private DatagramChannel register(DatagramChannel channel) throws IOException {
        channels.add(channel);
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ);
        return channel;
    }

    /** Joins on every interface that lets it; one that refuses is logged and skipped. */
    private void joinAll(DatagramChannel channel, InetAddress group, List<LocalInterfaces.Local> on, int port) {
        boolean joined = false;
        for (LocalInterfaces.Local l : on) {
            try {
                channel.join(group, l.nif());
                joined = true;
            } catch (IOException | RuntimeException e) {
                LOG.debug("Cannot join {} on {}: {}", group.getHostAddress(), l.name(), e.getMessage());
            }
        }
        if (joined) {
            String host = group.getHostAddress();
            groups.add((host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port);
        }
    }

    private void startReceiver(Receiver receiver, String threadName) {
        thread = new Thread(() -> receiveLoop(receiver), threadName);
        thread.setDaemon(true);
        thread.start();
    }

    private void receiveLoop(Receiver receiver) {
        ByteBuffer buffer = ByteBuffer.allocate(AnnouncementCodec.MAX_DATAGRAM_SIZE + 1);
        while (open) {
            try {
                selector.select(500);
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    drain((DatagramChannel) key.channel(), buffer, receiver);
                }
            } catch (ClosedSelectorException closed) {
                return;
            } catch (IOException | RuntimeException e) {
                if (open) {
                    LOG.warn("LAN discovery receiver: {}", e.toString());
                }
            }
        }
    }

    private void drain(DatagramChannel channel, ByteBuffer buffer, Receiver receiver) throws IOException {
        boolean v6Listener = v6Listeners.contains(channel);
        for (int i = 0; i < READS_PER_SOCKET && open; i++) {
            buffer.clear();
            SocketAddress from = channel.receive(buffer);
            if (from == null) {
                return;
            }
            InetSocketAddress source = (InetSocketAddress) from;
            if (v6Listener && (source.getAddress() instanceof Inet4Address || isV4Mapped(source.getAddress()))) {
                continue; // the IPv4 listener on this port has its own copy
            }
            buffer.flip();
            // a datagram longer than the buffer arrives truncated to MAX+1 bytes: enough to call it oversized
            receiver.received(buffer.array(), buffer.limit(), source);
        }
    }

    private static boolean isV4Mapped(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    /** Sends one datagram to a unicast or broadcast address. */
    void send(byte[] datagram, InetSocketAddress target) throws IOException {
        DatagramChannel sender = target.getAddress() instanceof Inet4Address ? senderV4 : senderV6;
        if (sender == null) {
            throw new IOException("no IPv6 sender for " + target);
        }
        sender.send(ByteBuffer.wrap(datagram), target);
    }

    /** Sends one datagram to a group out of one interface. */
    void sendToGroup(byte[] datagram, InetSocketAddress group, LocalInterfaces.Local via) throws IOException {
        DatagramChannel sender = group.getAddress() instanceof Inet4Address ? senderV4 : senderV6;
        if (sender == null) {
            return;
        }
        synchronized (sender) {
            sender.setOption(StandardSocketOptions.IP_MULTICAST_IF, via.nif());
            sender.send(ByteBuffer.wrap(datagram), group);
        }
    }

    boolean hasV6() {
        return senderV6 != null;
    }

    /** The groups joined, as {@code address:port}. */
    List<String> groups() {
        return List.copyOf(groups);
    }

    /** The sender's local port (for tests). */
    int senderPortV4() throws IOException {
        return ((InetSocketAddress) senderV4.getLocalAddress()).getPort();
    }

    /** Closes every socket and ends the receiver thread (bounded wait). Idempotent. */
    @Override
    public void close() {
        open = false;
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("Closing the discovery selector: {}", e.toString());
        }
        for (DatagramChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("Closing a discovery socket: {}", e.toString());
            }
        }
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
