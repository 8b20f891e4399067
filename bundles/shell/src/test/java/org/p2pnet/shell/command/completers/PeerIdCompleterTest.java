package org.p2pnet.shell.command.completers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.karaf.shell.api.console.CommandLine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerInfo;
import org.p2pnet.shell.command.FakePeerNetwork;
import org.p2pnet.shell.command.Peers;
import org.p2pnet.testing.FakePeerChannel;

class PeerIdCompleterTest {
    private final FakePeerNetwork network = new FakePeerNetwork();
    private final PeerIdCompleter completer = new PeerIdCompleter();

    @BeforeEach
    void aliceKnownAndBobConnectedTwice() {
        completer.network = network;
        network.knownPeers.add(new PeerInfo(Peers.ALICE, new PeerAddress("192.0.2.7", 7700), "", 1,
                Instant.EPOCH, Instant.EPOCH, false, Optional.empty()));
        network.knownPeers.add(new PeerInfo(Peers.BOB, new PeerAddress("192.0.2.8", 7700), "", 1,
                Instant.EPOCH, Instant.EPOCH, true, Optional.empty()));
        network.channels.add(new FakePeerChannel(Peers.BOB, "192.0.2.8:7700", ChannelDirection.OUTBOUND));
        network.channels.add(new FakePeerChannel(Peers.ABCD_1, "192.0.2.9:7700", ChannelDirection.INBOUND));
    }

    @Test
    void offersKnownPeersAndPeersOfOpenChannelsOnce() {
        assertEquals(List.of(Peers.ALICE.value(), Peers.ABCD_1.value(), Peers.BOB.value()),
                List.copyOf(completer.peerIds()));
    }

    @Test
    void completesAPrefixToTheFullId() {
        List<String> candidates = new ArrayList<>();

        completer.complete(null, cursorAt("b0b"), candidates);

        assertEquals(List.of(Peers.BOB.value() + " "), candidates);
    }

    /** The command line {@code p2p:send <word>} with the cursor at the end of the word. */
    private static CommandLine cursorAt(String word) {
        String buffer = "p2p:send " + word;
        return new CommandLine() {
            @Override
            public int getCursorArgumentIndex() {
                return 1;
            }

            @Override
            public String getCursorArgument() {
                return word;
            }

            @Override
            public int getArgumentPosition() {
                return word.length();
            }

            @Override
            public String[] getArguments() {
                return new String[] {"p2p:send", word};
            }

            @Override
            public int getBufferPosition() {
                return buffer.length();
            }

            @Override
            public String getBuffer() {
                return buffer;
            }
        };
    }
}
