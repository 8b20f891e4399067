package org.p2pnet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.junit.Test;

/**
 * The ports the multi-node tests give their nodes: never the same one twice in a run, and none
 * from the kernel's ephemeral range, where an outgoing connection could take it before the node
 * binds it (both once left a CI node without a console or a listener).
 */
public class FreePortIT {
    private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    @Test
    public void freePortsAreDistinctAndBelowTheEphemeralRange() throws Exception {
        int ephemeralLow = Files.isReadable(RANGE)
            ? Integer.parseInt(Files.readAllLines(RANGE).get(0).trim().split("\\s+")[0]) : 49_152;
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            int port = P2pnetTestSupport.freePort();
            assertTrue("port " + port + " handed out twice", seen.add(port));
            // a machine whose ephemeral range starts below 11000 leaves no room: freePort then takes the kernel's
            assertTrue("port " + port + " is in the ephemeral range from " + ephemeralLow,
                port < ephemeralLow || ephemeralLow < 11_000);
        }
        assertEquals(500, seen.size());
    }
}
