package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.testing.FakePeerChannel;

class SendCommandTest extends CommandTestSupport {

    @BeforeEach
    void connectedToBob() {
        network.channels.add(new FakePeerChannel(Peers.BOB, "192.0.2.8:7700", ChannelDirection.OUTBOUND));
    }

    @Test
    void sendsTheWordsAsOneMessageAndConfirmsItsId() throws Exception {
        String text = run(send("b0b0", "hello", "from", "karaf"));

        FakePeerNetwork.Sent sent = network.sent.get(0);
        assertEquals(Peers.BOB, sent.peer());
        MessagePacket message = (MessagePacket) sent.packet();
        assertEquals("hello from karaf", message.text());
        assertEquals("sent message " + message.id() + " to " + Peers.BOB.shortForm(), text.strip());
    }

    @Test
    void rejectsAPeerWithoutChannel() {
        assertEquals("no known peer or open channel matches 'a11ce'", userErrorOf(send("a11ce", "hi")));
        assertTrue(network.sent.isEmpty());
    }

    @Test
    void rejectsATextTooLongForTheWire() {
        String tooLong = "x".repeat(MessagePacket.MAX_TEXT_LENGTH + 1);

        assertEquals("cannot send: text is longer than 65536 characters", userErrorOf(send("b0b0", tooLong)));
    }

    @Test
    void reportsAFailedWrite() {
        network.sendOutcome = CompletableFuture.failedFuture(
                new ChannelException(DisconnectReason.CONNECTION_LOST, "write buffer over its limit"));

        assertEquals("could not send to b0b000000000: CONNECTION_LOST write buffer over its limit",
                userErrorOf(send("b0b0", "hi")));
    }

    private SendCommand send(String peer, String... words) {
        SendCommand command = wired(new SendCommand());
        command.peer = peer;
        command.words = List.of(words);
        return command;
    }
}
