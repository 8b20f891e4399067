package org.p2pnet.shell.command.completers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.InboundRequest;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.trust.TrustPolicy;
import org.p2pnet.shell.command.FakePeerNetwork;
import org.p2pnet.shell.command.Peers;

/** The completers of p2p:inbound-accept/-reject, p2p:policy and p2p:task-issue. */
class TrustCompletersTest {

    @Test
    void inboundRequestCompleterOffersTheWaitingRequests() {
        FakePeerNetwork network = new FakePeerNetwork();
        network.inbound.add(new InboundRequest("in-2", Peers.BOB, new PeerAddress("192.0.2.8", 1), "", Instant.EPOCH));
        network.inbound.add(new InboundRequest("in-1", Peers.ALICE, new PeerAddress("192.0.2.7", 1), "", Instant.EPOCH));
        InboundRequestCompleter completer = new InboundRequestCompleter();
        completer.network = network;

        assertEquals(List.of("in-1", "in-2"), List.copyOf(completer.requestIds()));
    }

    @Test
    void trustSettingCompleterOffersTheKeysOrNothingWithoutTheTrustBundle() {
        TrustSettingCompleter completer = new TrustSettingCompleter();
        assertTrue(completer.keys().isEmpty());

        completer.policy = new TrustPolicy() {
            @Override
            public Map<String, String> settings() {
                return Map.of("inboundMode", "queue", "allowDefaultCommunication", "true");
            }

            @Override
            public Map<String, String> descriptions() {
                return Map.of();
            }

            @Override
            public void set(String key, String value) {
                throw new UnsupportedOperationException("a completer never sets");
            }
        };
        assertEquals(List.of("allowDefaultCommunication", "inboundMode"), List.copyOf(completer.keys()));
    }

    @Test
    void taskTypeCompleterOffersEveryWireName() {
        assertEquals(List.of("AuthorizePeer", "BlockAndRemovePeer", "BlockIP", "DisconnectPeer", "PingPeer",
                "RevokePeerAuthorization", "SendMessage", "SetLocalIdentifier"), List.copyOf(TaskTypeCompleter.types()));
    }
}
