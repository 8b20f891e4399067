package org.p2pnet.discovery.lan.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.p2pnet.discovery.lan.internal.LocalInterfaces.Local;
import org.p2pnet.discovery.lan.internal.LocalInterfaces.Subnet;

class LocalInterfacesTest {

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    private static Local lan(int index, String v4, int prefix) throws Exception {
        return new Local(null, "eth" + index, index, false, true, List.of(ip(v4)), List.of(), List.of(),
                List.of(new Subnet(ip(v4), prefix)));
    }

    @Test
    void aSubnetContainsExactlyItsPrefix() throws Exception {
        Subnet lan = new Subnet(ip("10.213.77.11"), 24);
        assertTrue(lan.contains(ip("10.213.77.12")));
        assertTrue(lan.contains(ip("10.213.77.255")));
        assertFalse(lan.contains(ip("10.213.78.12")));
        assertFalse(lan.contains(ip("fd00::1")), "another family");
        Subnet odd = new Subnet(ip("192.0.2.130"), 25);
        assertTrue(odd.contains(ip("192.0.2.200")));
        assertFalse(odd.contains(ip("192.0.2.100")));
        assertTrue(new Subnet(ip("fd00:1:2:3::1"), 64).contains(ip("fd00:1:2:3:ffff::9")));
        assertFalse(new Subnet(ip("fd00:1:2:3::1"), 64).contains(ip("fd00:1:2:4::9")));
        assertTrue(new Subnet(ip("10.0.0.1"), 0).contains(ip("192.0.2.1")), "a /0 holds everything");
    }

    @Test
    void onlyDatagramsFromTheLinksInUseAreReached() throws Exception {
        LocalInterfaces only = new LocalInterfaces(List.of(lan(3, "10.213.77.11", 24)));
        assertTrue(only.reaches(ip("10.213.77.12")));
        assertFalse(only.reaches(ip("192.0.2.9")), "another interface's subnet");
        assertFalse(only.reaches(ip("127.0.0.1")), "loopback is not in use here");
        assertFalse(only.reaches(null));
        // IPv6 link-local: the scope id names the link
        byte[] fe80 = ip("fe80::1").getAddress();
        assertTrue(only.reaches(Inet6Address.getByAddress(null, fe80, 3)));
        assertFalse(only.reaches(Inet6Address.getByAddress(null, fe80, 4)), "another link");
    }

    @Test
    void loopbackReachesEveryLoopbackSource() throws Exception {
        Local lo = new Local(null, "lo", 1, true, false, List.of(ip("127.0.0.1")), List.of(ip("::1")), List.of(),
                List.of(new Subnet(ip("127.0.0.1"), 8), new Subnet(ip("::1"), 128)));
        LocalInterfaces loopback = new LocalInterfaces(List.of(lo));
        assertTrue(loopback.reaches(ip("127.0.0.1")));
        assertTrue(loopback.reaches(ip("127.1.2.3")));
        assertTrue(loopback.reaches(ip("::1")));
        assertFalse(loopback.reaches(ip("10.213.77.12")));
    }

    @Test
    void theHostScanHonoursTheAllowList() throws Exception {
        LocalInterfaces scanned = LocalInterfaces.scan(true, Set.of("lo"));
        assertTrue(scanned.all().stream().allMatch(l -> l.name().equals("lo")), scanned.all().toString());
        assertTrue(scanned.reaches(ip("127.0.0.1")));
    }
}
