package org.p2pnet.handler.message.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.message.MessageLog;
import org.p2pnet.api.message.ReceivedMessage;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.testing.FakePeerChannel;

class MessageHandlerTest {
    private static final Instant NOW = Instant.parse("2026-11-21T10:15:30Z");
    private static final PeerId ALICE = FakePeerChannel.peer('a');
    private static final PeerId BOB = FakePeerChannel.peer('b');

    @Test
    void keepsTheLastMessagesOfEachPeerOldestFirst() {
        MessageHandler handler = handler(3, 100);

        receive(handler, ALICE, "a1", "a2", "a3", "a4", "a5");
        receive(handler, BOB, "b1");

        assertEquals(List.of("a3", "a4", "a5"), texts(handler.recent(ALICE, 10)));
        assertEquals(List.of("b1"), texts(handler.recent(BOB, 10)));
    }

    @Test
    void keepsTheLastMessagesInTotalAcrossPeers() {
        MessageHandler handler = handler(100, 4);

        receive(handler, ALICE, "a1", "a2");
        receive(handler, BOB, "b1", "b2");
        receive(handler, ALICE, "a3");

        assertEquals(List.of("a2", "b1", "b2", "a3"), texts(handler.recent(10)));
        assertEquals(List.of("a2", "a3"), texts(handler.recent(ALICE, 10)));
        assertEquals(4, handler.store().size());
    }

    @Test
    void aLimitReturnsTheNewestMessagesOldestFirst() {
        MessageHandler handler = handler(100, 100);

        receive(handler, ALICE, "a1", "a2", "a3");
        receive(handler, BOB, "b1", "b2");

        assertEquals(List.of("a3", "b1", "b2"), texts(handler.recent(3)));
        assertEquals(List.of("a2", "a3"), texts(handler.recent(ALICE, 2)));
        assertEquals(List.of(), handler.recent(0));
        assertEquals(List.of(), handler.recent(FakePeerChannel.peer('c'), 5));
    }

    @Test
    void countsEveryMessageReceivedIncludingDroppedOnes() {
        MessageHandler handler = handler(2, 3);

        receive(handler, ALICE, "a1", "a2", "a3", "a4");
        receive(handler, BOB, "b1");

        assertEquals(5, handler.received());
    }

    @Test
    void keepsWhatThePeerSentAndWhenItArrived() throws Exception {
        MessageHandler handler = handler(10, 10);

        handler.handle(FakePeerChannel.forHandler(ALICE), new MessagePacket("m-1", "hello", 1_700_000_000_000L));

        ReceivedMessage kept = handler.recent(1).get(0);
        assertEquals(new ReceivedMessage(ALICE, "m-1", "hello", Instant.ofEpochMilli(1_700_000_000_000L), NOW), kept);
    }

    @Test
    void postsAnEventForEachMessage() {
        MessageHandler handler = handler(10, 10);
        FakeEventAdmin events = new FakeEventAdmin();
        handler.eventAdmin = events;

        handler.handle(FakePeerChannel.forHandler(ALICE), new MessagePacket("m-1", "hello", 1234L));

        assertEquals(1, events.posted.size());
        Event event = events.posted.get(0);
        assertEquals(MessageLog.TOPIC_RECEIVED, event.getTopic());
        assertEquals(ALICE.value(), event.getProperty("peer.id"));
        assertEquals("m-1", event.getProperty("message.id"));
        assertEquals("hello", event.getProperty("message.text"));
        assertEquals(1234L, event.getProperty("message.sentAt"));
    }

    @Test
    void keepsMessagesWithoutEventAdminOrWhenItFails() {
        MessageHandler handler = handler(10, 10);
        receive(handler, ALICE, "no event admin");

        handler.eventAdmin = new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                throw new IllegalStateException("EventAdmin is stopping");
            }

            @Override
            public void sendEvent(Event event) {
                throw new IllegalStateException("EventAdmin is stopping");
            }
        };
        receive(handler, ALICE, "failing event admin");

        assertEquals(List.of("no event admin", "failing event admin"), texts(handler.recent(10)));
    }

    @Test
    void ignoresOtherPacketTypes() throws Exception {
        MessageHandler handler = handler(10, 10);
        FakeEventAdmin events = new FakeEventAdmin();
        handler.eventAdmin = events;

        handler.handle(FakePeerChannel.forHandler(ALICE), new DisconnectPacket(DisconnectReason.REQUESTED, "bye"));

        assertEquals(0, handler.received());
        assertEquals(0, handler.store().size());
        assertTrue(events.posted.isEmpty());
    }

    @Test
    void invalidValuesAtActivationKeepTheDefaultsAndNameTheKey() {
        List<MessageHandler> activated = new ArrayList<>();

        String log = stderrOf(() -> activated.add(handler(-1, 0)));
        MessageHandler handler = activated.get(0);
        for (int i = 0; i <= MessageHandler.DEFAULT_KEEP_PER_PEER; i++) {
            receive(handler, ALICE, "message " + i);
        }

        assertTrue(log.contains("keepPerPeer = -1 is invalid"), log);
        assertTrue(log.contains("keepTotal = 0 is invalid"), log);
        assertEquals(MessageHandler.DEFAULT_KEEP_PER_PEER, handler.recent(ALICE, Integer.MAX_VALUE).size());
    }

    @Test
    void anInvalidChangeKeepsTheBoundInForce() {
        MessageHandler handler = handler(2, 100);

        String log = stderrOf(() -> handler.modified(TestConfig.of(-5, 100)));
        receive(handler, ALICE, "a1", "a2", "a3");

        assertTrue(log.contains("keepPerPeer = -5 is invalid"), log);
        assertEquals(List.of("a2", "a3"), texts(handler.recent(ALICE, 10)));
    }

    @Test
    void aValueThatIsNotAnIntegerKeepsTheBoundInForce() {
        MessageHandler handler = handler(2, 100);

        String log = stderrOf(() -> handler.modified(TestConfig.of(() -> {
            throw new NumberFormatException("For input string: \"lots\"");
        }, () -> 100)));
        receive(handler, ALICE, "a1", "a2", "a3");

        assertTrue(log.contains("keepPerPeer is not an integer"), log);
        assertEquals(2, handler.recent(ALICE, 10).size());
    }

    @Test
    void smallerBoundsApplyLiveAndDropTheOldest() {
        MessageHandler handler = handler(10, 10);
        receive(handler, ALICE, "a1", "a2", "a3", "a4");
        receive(handler, BOB, "b1", "b2", "b3");

        handler.modified(TestConfig.of(3, 5));

        assertEquals(List.of("a3", "a4", "b1", "b2", "b3"), texts(handler.recent(10)));
        assertEquals(List.of("a3", "a4"), texts(handler.recent(ALICE, 10)));
    }

    @Test
    void aPeerWhoseMessagesAllWentIsForgotten() {
        MessageHandler handler = handler(10, 2);

        receive(handler, ALICE, "a1");
        receive(handler, BOB, "b1", "b2");

        assertEquals(List.of(), handler.recent(ALICE, 10));
        assertEquals(0, handler.store().size(ALICE));
    }

    private static MessageHandler handler(int keepPerPeer, int keepTotal) {
        return new MessageHandler(TestConfig.of(keepPerPeer, keepTotal), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static void receive(MessageHandler handler, PeerId from, String... texts) {
        FakePeerChannel channel = FakePeerChannel.forHandler(from);
        for (String text : texts) {
            handler.handle(channel, MessagePacket.of(text));
        }
    }

    private static List<String> texts(List<ReceivedMessage> messages) {
        return messages.stream().map(ReceivedMessage::text).toList();
    }

    /** What slf4j-simple writes to System.err (it looks System.err up on every write) while running. */
    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
