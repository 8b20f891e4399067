package org.p2pnet.examples.routine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.routine.Routine;
import org.p2pnet.testing.FakePeerChannel;
import org.p2pnet.testing.RecordingPeerNetwork;

class LogPeerCountTest {
    /** A core with some open channels (DEFAULT, as FakePeerChannel has them). */
    private static final class Network extends RecordingPeerNetwork {
        final List<PeerChannel> channels = new ArrayList<>();

        @Override
        public Collection<PeerChannel> activeChannels() {
            return List.copyOf(channels);
        }
    }

    @Test
    void logsTheNumberOfOpenChannels() {
        Network network = new Network();
        network.channels.add(new FakePeerChannel(FakePeerChannel.peer('a'), "192.0.2.1:7700", ChannelDirection.OUTBOUND));
        network.channels.add(new FakePeerChannel(FakePeerChannel.peer('b'), "192.0.2.2:51000", ChannelDirection.INBOUND));
        LogPeerCount routine = new LogPeerCount(network);

        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            routine.run();
        } finally {
            System.setErr(original);
        }

        assertEquals("2 open channels, 0 trusted", routine.summary());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("LogPeerCount: 2 open channels, 0 trusted (minPeers 3)"),
                log.toString(StandardCharsets.UTF_8));
    }

    /** What the routines bundle reads: the DS descriptor bnd generated from {@code @Component}. */
    @Test
    void isARoutineServiceWithTheNameAndIntervalTheSchedulerReads() {
        String xml = descriptor();

        assertTrue(xml.contains("<provide interface=\"org.p2pnet.api.routine.Routine\"/>"), xml);
        assertTrue(xml.contains("name=\"" + Routine.NAME_PROPERTY + "\" type=\"String\" value=\"LogPeerCount\""), xml);
        assertTrue(xml.contains("name=\"" + Routine.INTERVAL_PROPERTY + "\" type=\"Long\" value=\"30000\""), xml);
    }

    private static String descriptor() {
        try (var in = LogPeerCount.class.getClassLoader()
                .getResourceAsStream("OSGI-INF/org.p2pnet.examples.routine.LogPeerCount.xml")) {
            if (in == null) {
                throw new AssertionError("no DS descriptor: bnd did not process the bundle");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
