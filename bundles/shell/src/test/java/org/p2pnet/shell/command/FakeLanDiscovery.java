package org.p2pnet.shell.command;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.p2pnet.api.discovery.LanDiscovery;
import org.p2pnet.api.discovery.LanDiscoveryStatus;
import org.p2pnet.api.discovery.LanDiscoveryStatus.InterfaceInfo;

/** A discovery service whose state a test sets; counts start and stop calls. */
final class FakeLanDiscovery implements LanDiscovery {
    boolean running = true;
    int starts;
    int stops;
    String cannotStart;

    @Override
    public LanDiscoveryStatus status() {
        if (!running) {
            return new LanDiscoveryStatus(false, List.of(), List.of(8001, 8002, 8003), 0, List.of(), Duration.ZERO,
                    4, 9, 2, Map.of("OWN", 4L, "STALE", 0L));
        }
        return new LanDiscoveryStatus(true,
                List.of(new InterfaceInfo("eth0", List.of("192.0.2.2", "fe80::1%eth0"), List.of("192.0.2.255"), true),
                        new InterfaceInfo("lo", List.of("127.0.0.1"), List.of("127.255.255.255"), false)),
                List.of(8001, 8002, 8003), 8002, List.of("239.255.77.77:8001", "239.255.77.77:8002"),
                Duration.ofMillis(1234), 10, 25, 7, Map.of("OWN", 10L, "BAD_SIGNATURE", 3L, "STALE", 0L));
    }

    @Override
    public void start() {
        starts++;
        if (cannotStart != null) {
            throw new IllegalStateException(cannotStart);
        }
        running = true;
    }

    @Override
    public void stop() {
        stops++;
        running = false;
    }
}
