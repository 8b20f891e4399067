package org.p2pnet.discovery.lan.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;

import org.p2pnet.api.discovery.LanDiscoveryStatus.InterfaceInfo;

/**
 * This host's interfaces as discovery uses them (P2PNet's local address loading): up, not
 * loopback unless configured, with their IPv4/IPv6 addresses and IPv4 broadcast addresses.
 * Learned from the operating system only; no outside service is asked for a public address.
 */
final class LocalInterfaces {
    /** Bound on what is scanned, whatever the host has. */
    private static final int MAX_INTERFACES = 64;

    /** An address of an interface with its network prefix length: the subnet the interface is on. */
    record Subnet(InetAddress address, int prefixLength) {
        boolean contains(InetAddress other) {
            byte[] a = address.getAddress();
            byte[] b = other.getAddress();
            if (a.length != b.length) {
                return false;
            }
            int bits = Math.min(Math.max(prefixLength, 0), a.length * 8);
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((a[i / 8] & mask) != (b[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** One usable interface; {@code index} is the operating system's (IPv6 scope id), 0 when unknown. */
    record Local(NetworkInterface nif, String name, int index, boolean loopback, boolean multicast, List<InetAddress> v4,
                 List<InetAddress> v6, List<InetAddress> broadcasts, List<Subnet> subnets) {
        Local {
            v4 = List.copyOf(v4);
            v6 = List.copyOf(v6);
            broadcasts = List.copyOf(broadcasts);
            subnets = List.copyOf(subnets);
        }

        /** Whether a datagram from {@code source} can have come over this interface: from its subnet, or its link. */
        boolean reaches(InetAddress source) {
            if (source instanceof Inet6Address six && six.isLinkLocalAddress()) {
                // fe80::/10 is on every link: the scope id says which one
                return six.getScopeId() == 0 || index == 0 || six.getScopeId() == index;
            }
            if (loopback && source.isLoopbackAddress()) {
                return true;
            }
            return subnets.stream().anyMatch(subnet -> subnet.contains(source));
        }

        boolean hasV4() {
            return !v4.isEmpty();
        }

        boolean hasV6() {
            return !v6.isEmpty();
        }
    }

    private final List<Local> interfaces;

    LocalInterfaces(List<Local> interfaces) {
        this.interfaces = List.copyOf(interfaces);
    }

    /** Scans the host: primary first (see {@link #rank}), then by name. */
    static LocalInterfaces scan(boolean includeLoopback, Set<String> only) throws SocketException {
        List<Local> found = new ArrayList<>();
        Enumeration<NetworkInterface> all = NetworkInterface.getNetworkInterfaces();
        while (all != null && all.hasMoreElements() && found.size() < MAX_INTERFACES) {
            NetworkInterface nif = all.nextElement();
            if (!only.isEmpty() && !only.contains(nif.getName())) {
                continue;
            }
            if (!nif.isUp() || nif.isPointToPoint() || (nif.isLoopback() && !includeLoopback)) {
                continue;
            }
            boolean multicast = nif.supportsMulticast();
            if (!nif.isLoopback() && !multicast && !hasBroadcast(nif)) {
                continue;
            }
            List<InetAddress> v4 = new ArrayList<>();
            List<InetAddress> v6 = new ArrayList<>();
            List<InetAddress> broadcasts = new ArrayList<>();
            List<Subnet> subnets = new ArrayList<>();
            for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
                InetAddress address = ia.getAddress();
                if (address != null) {
                    subnets.add(new Subnet(address, ia.getNetworkPrefixLength()));
                }
                if (address instanceof Inet4Address) {
                    v4.add(address);
                    if (ia.getBroadcast() != null) {
                        broadcasts.add(ia.getBroadcast());
                    } else if (nif.isLoopback() && address.getAddress()[0] == 127) {
                        broadcasts.add(loopbackBroadcast());
                    }
                } else if (address instanceof Inet6Address) {
                    v6.add(address);
                }
            }
            if (!v4.isEmpty() || !v6.isEmpty()) {
                found.add(new Local(nif, nif.getName(), Math.max(nif.getIndex(), 0), nif.isLoopback(), multicast, v4, v6,
                        broadcasts.stream().distinct().toList(), subnets));
            }
        }
        found.sort(Comparator.comparingInt(LocalInterfaces::rank).thenComparing(Local::name));
        return new LocalInterfaces(found);
    }

    private static InetAddress loopbackBroadcast() {
        try {
            return InetAddress.getByAddress(new byte[] {127, (byte) 255, (byte) 255, (byte) 255});
        } catch (java.net.UnknownHostException impossible) {
            throw new IllegalStateException(impossible); // four bytes are always an IPv4 address
        }
    }

    private static boolean hasBroadcast(NetworkInterface nif) {
        return nif.getInterfaceAddresses().stream().anyMatch(ia -> ia.getBroadcast() != null);
    }

    /** Lower is better: a non-loopback interface with a private IPv4 address, then any IPv4, then the rest, loopback last. */
    private static int rank(Local l) {
        if (l.loopback()) {
            return 3;
        }
        if (l.v4().stream().anyMatch(InetAddress::isSiteLocalAddress)) {
            return 0;
        }
        return l.hasV4() ? 1 : 2;
    }

    List<Local> all() {
        return interfaces;
    }

    /**
     * Whether a datagram from {@code source} came from a link discovery uses: the subnet of one of
     * these interfaces (or, for an IPv6 link-local source, that interface's link). Listeners are bound
     * to the wildcard address, so without this a datagram arriving on an interface left out by
     * {@code interfaces} would be offered and answered there.
     */
    boolean reaches(InetAddress source) {
        return source != null && interfaces.stream().anyMatch(l -> l.reaches(source));
    }

    /**
     * The addresses to announce, primary interface first, IPv4 before IPv6, at most {@code max}.
     * IPv6 link-local addresses are left out: their scope means nothing to the receiver, which
     * learns the address it can use from the datagram's source.
     */
    List<String> announcedAddresses(int max) {
        List<String> v4 = new ArrayList<>();
        List<String> v6 = new ArrayList<>();
        for (Local l : interfaces) {
            l.v4().forEach(a -> v4.add(a.getHostAddress()));
            l.v6().stream().filter(a -> !a.isLinkLocalAddress())
                    .forEach(a -> v6.add(stripScope(a.getHostAddress())));
        }
        List<String> all = new ArrayList<>(v4);
        all.addAll(v6);
        return all.stream().distinct().limit(max).toList();
    }

    private static String stripScope(String host) {
        int percent = host.indexOf('%');
        return percent < 0 ? host : host.substring(0, percent);
    }

    /** For {@code p2p:discovery}. */
    List<InterfaceInfo> info() {
        List<InterfaceInfo> info = new ArrayList<>();
        for (int i = 0; i < interfaces.size(); i++) {
            Local l = interfaces.get(i);
            List<String> addresses = new ArrayList<>();
            l.v4().forEach(a -> addresses.add(a.getHostAddress()));
            l.v6().forEach(a -> addresses.add(a.getHostAddress()));
            info.add(new InterfaceInfo(l.name(), addresses, l.broadcasts().stream().map(InetAddress::getHostAddress).toList(),
                    i == 0));
        }
        return info;
    }
}
