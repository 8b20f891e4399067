package org.p2pnet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Dictionary;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerNetwork;

/**
 * Configuration Admin updates of org.p2pnet.core (what config:edit does) take effect in the
 * running node without a restart; an invalid value is refused and the previous one stays.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LiveConfigIT extends P2pnetTestSupport {

    /** {@link WirePeer} speaks plaintext and runs no trust protocol. */
    @Override
    protected Option[] extraOptions() {
        return wirePeerOptions();
    }

    @Inject
    PeerNetwork network;

    @Inject
    ConfigurationAdmin configAdmin;

    @Test
    public void acceptInboundPortAndInvalidValuesApplyLive() throws Exception {
        waitFor("node listening", Duration.ofSeconds(30), () -> network.status().listening() != null);
        int oldPort = network.status().listening().port();
        Configuration config = configAdmin.getConfiguration("org.p2pnet.core", null);

        // a channel opened before the changes must survive all of them
        try (WirePeer survivor = new WirePeer()) {
            survivor.handshake(oldPort, "itest");
            PeerId survivorId = PeerId.parse(survivor.peerId());
            waitFor("survivor registered", Duration.ofSeconds(10), () -> network.channel(survivorId).isPresent());

            update(config, "acceptInbound", "false");
            waitFor("acceptInbound off", Duration.ofSeconds(10), () -> !network.status().acceptInbound());
            try (WirePeer refused = new WirePeer()) {
                refused.connect(oldPort);
                WirePeer.Frame d = refused.readUntilDisconnect();
                assertNotNull("an inbound peer gets a DISCONNECT while acceptInbound is off", d);
                assertEquals(DisconnectReason.INBOUND_DISABLED.name(), d.metadata().path("reason").asText());
            }
            update(config, "acceptInbound", "true");
            waitFor("acceptInbound on", Duration.ofSeconds(10), () -> network.status().acceptInbound());

            int newPort = freePort();
            update(config, "port", String.valueOf(newPort));
            waitFor("listening on the new port " + newPort, Duration.ofSeconds(10),
                () -> network.status().listening().port() == newPort && accepts(newPort));
            waitFor("the old port released", Duration.ofSeconds(10), () -> !accepts(oldPort));
            try (WirePeer late = new WirePeer()) {
                late.handshake(newPort, "itest");
            }

            long refusedBefore = network.status().rejectedConfigurations();
            update(config, "port", "70000");
            waitFor("the invalid port counted as refused", Duration.ofSeconds(10),
                () -> network.status().rejectedConfigurations() == refusedBefore + 1);
            assertEquals("still on the previous port", newPort, network.status().listening().port());
            assertTrue("still accepting on the previous port", accepts(newPort));
            String status = shell("p2p:status");
            assertTrue(status, status.contains("Config refused") && status.contains("1 update(s)"));

            update(config, "port", String.valueOf(newPort));
            assertTrue("the channel opened before the changes survived them", network.channel(survivorId).isPresent());
            survivor.sendMessage("after-config", "still here");
            waitFor("survivor still exchanges packets", Duration.ofSeconds(10),
                () -> network.channel(survivorId).get().stats().packetsIn() >= 2);
        }
    }

    /**
     * config:edit moves the node to a port another process holds: the node keeps its channels and
     * its old listener (new peers still get in there), p2p:status says why it did not move and when it
     * tries again, and it moves by itself once the port is free.
     */
    @Test
    public void aMoveToAPortAnotherProcessHoldsKeepsTheOldListenerSaysWhyAndHappensOnceItIsFree() throws Exception {
        waitFor("node listening", Duration.ofSeconds(30), () -> network.status().listening() != null);
        int oldPort = network.status().listening().port();
        Configuration config = configAdmin.getConfiguration("org.p2pnet.core", null);
        int taken = freePort();
        try (WirePeer survivor = new WirePeer()) {
            survivor.handshake(oldPort, "itest");
            PeerId survivorId = PeerId.parse(survivor.peerId());
            waitFor("survivor registered", Duration.ofSeconds(10), () -> network.channel(survivorId).isPresent());
            try (ServerSocket holder = new ServerSocket()) {
                holder.bind(new InetSocketAddress(taken));
                update(config, "port", String.valueOf(taken));
                waitFor("p2p:status says why the node did not move", Duration.ofSeconds(10),
                    () -> network.status().listenProblem() != null);
                String problem = network.status().listenProblem();
                assertTrue(problem, problem.contains(":" + taken) && problem.contains("still listening on")
                    && problem.contains("next attempt at"));
                assertEquals("still listening on the old port", oldPort, network.status().listening().port());
                String status = shell("p2p:status");
                assertTrue(status, status.contains(":" + oldPort + " (cannot move the listener"));
                try (WirePeer late = new WirePeer()) {
                    late.handshake(oldPort, "itest"); // new peers still get in on the old port
                }
            }
            waitFor("moved to port " + taken + " once it is free", Duration.ofSeconds(45),
                () -> network.status().listening().port() == taken && accepts(taken),
                () -> "status: listening " + network.status().listening() + ", " + network.status().listenProblem());
            assertNull(network.status().listenProblem());
            waitFor("the old port released", Duration.ofSeconds(10), () -> !accepts(oldPort));
            assertTrue("the channel opened before the move survived it", network.channel(survivorId).isPresent());
        }
    }

    private static void update(Configuration config, String key, String value) throws IOException {
        Dictionary<String, Object> props = config.getProperties();
        props.put(key, value);
        config.update(props);
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
