package org.p2pnet.shell.command.completers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.HandlerInfo;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.data.DataTransfers;
import org.p2pnet.api.data.TransferInfo;

/** Packet types, transfer ids, and send-file's peer-then-path positions. */
class MoreCompletersTest {

    @Test
    void packetTypesAreTheOnesTheCoreKnows() {
        PacketTypeCompleter completer = new PacketTypeCompleter();
        completer.network = proxy(PeerNetwork.class, "handlers",
                List.of(new HandlerInfo("MESSAGE", "b", 1, 0, 1, 0, 0, 0, 0),
                        new HandlerInfo("DATA", "", -1, 0, 0, 0, 2, 0, 0)));
        assertEquals(List.of("DATA", "MESSAGE"), List.copyOf(completer.types()));
    }

    @Test
    void transferIdsAreThoseNotEndedAndNoneWithoutTheDataHandler() {
        TransferIdCompleter completer = new TransferIdCompleter();
        assertTrue(completer.ids().isEmpty());
        completer.transfers = proxy(DataTransfers.class, "transfers", List.of(
                transfer("running-1", TransferInfo.State.RUNNING), transfer("done-1", TransferInfo.State.DONE),
                transfer("queued-1", TransferInfo.State.QUEUED)));
        assertEquals(Set.of("running-1", "queued-1"), Set.copyOf(completer.ids()));
    }

    @Test
    void sendFileCompletesAPeerFirstThenPaths() {
        String[] words = {"p2p:send-file", "ab12", "/tmp/x"};
        assertTrue(PeerThenFileCompleter.peerPosition(words, 1), "the first argument is the peer");
        assertFalse(PeerThenFileCompleter.peerPosition(words, 2), "the second is a path");
        String[] noWait = {"p2p:send-file", "--no-wait", "ab12"};
        assertTrue(PeerThenFileCompleter.peerPosition(noWait, 2), "options do not count");
        String[] all = {"p2p:send-file", "--all-trusted", "/tmp"};
        assertFalse(PeerThenFileCompleter.peerPosition(all, 2), "--all-trusted: no peer, only paths");
    }

    private static TransferInfo transfer(String id, TransferInfo.State state) {
        return new TransferInfo(id, org.p2pnet.api.PeerId.parse("ab".repeat(32)), TransferInfo.Direction.OUTGOING,
                org.p2pnet.api.packet.DataFormat.FILE, "f", 1, 0, state, java.time.Instant.EPOCH,
                java.time.Instant.EPOCH, 0, "", "");
    }

    /** An interface whose one named method answers {@code value}; any other call fails the test. */
    private static <T> T proxy(Class<T> type, String method, Object value) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
            if (m.getName().equals(method)) {
                return value;
            }
            throw new AssertionError("unexpected call " + m.getName());
        }));
    }
}
