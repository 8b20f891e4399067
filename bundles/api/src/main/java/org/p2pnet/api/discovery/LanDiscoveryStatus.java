package org.p2pnet.api.discovery;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The LAN discovery service's state, as {@code p2p:discovery} shows it.
 *
 * @param running         whether it is announcing and listening
 * @param interfaces      the interfaces in use, primary first
 * @param ports           the designated UDP ports listened on
 * @param broadcasterPort the port announcements go to now (rotated by RotateBroadcastPort)
 * @param groups          the multicast groups joined, as {@code address:port}
 * @param interval        the current announcement interval (sine wave, jitter, throttle)
 * @param sent            announcements sent
 * @param received        datagrams received
 * @param offered         valid announcements offered to the core
 * @param drops           datagrams dropped, by reason
 */
public record LanDiscoveryStatus(boolean running, List<InterfaceInfo> interfaces, List<Integer> ports,
                                 int broadcasterPort, List<String> groups, Duration interval, long sent,
                                 long received, long offered, Map<String, Long> drops) {
    public LanDiscoveryStatus {
        interfaces = List.copyOf(interfaces);
        ports = List.copyOf(ports);
        groups = List.copyOf(groups);
        drops = Map.copyOf(drops);
    }

    /**
     * One network interface used for discovery.
     *
     * @param name       the interface name
     * @param addresses  its IPv4/IPv6 addresses
     * @param broadcasts its IPv4 broadcast addresses
     * @param primary    true for the interface whose address is announced first
     */
    public record InterfaceInfo(String name, List<String> addresses, List<String> broadcasts, boolean primary) {
        public InterfaceInfo {
            addresses = List.copyOf(addresses);
            broadcasts = List.copyOf(broadcasts);
        }
    }
}
