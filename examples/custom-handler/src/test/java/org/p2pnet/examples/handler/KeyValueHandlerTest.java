package org.p2pnet.examples.handler;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.PacketHandler;
import org.p2pnet.api.packet.RawPacket;

class KeyValueHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RecordingChannel channel = new RecordingChannel('a');
    private final KeyValueHandler handler = new KeyValueHandler(config(KeyValueHandler.DEFAULT_MAX_ENTRIES,
            KeyValueHandler.DEFAULT_MAX_BYTES));

    @Test
    void putThenGetAnswersWithTheValueOnTheSameChannel() throws Exception {
        handle("{\"op\":\"put\",\"key\":\"greeting\",\"value\":\"hello\"}");
        assertEquals("{\"op\":\"stored\",\"key\":\"greeting\"}", lastReplyText());

        handle("{\"op\":\"get\",\"key\":\"greeting\"}");
        JsonNode reply = lastReply();
        assertEquals("value", reply.get("op").asText());
        assertEquals("greeting", reply.get("key").asText());
        assertEquals("hello", reply.get("value").asText());
        assertEquals(1, handler.puts());
        assertEquals(1, handler.gets());
    }

    @Test
    void aPutOverwritesAndAGetOfAnUnknownKeyIsMissing() throws Exception {
        handle("{\"op\":\"put\",\"key\":\"k\",\"value\":\"one\"}");
        handle("{\"op\":\"put\",\"key\":\"k\",\"value\":\"twenty-two\"}");
        handle("{\"op\":\"get\",\"key\":\"k\"}");
        assertEquals("twenty-two", lastReply().get("value").asText());
        assertEquals(1, handler.store().size());
        assertEquals(1 + "twenty-two".length(), handler.store().bytes());

        handle("{\"op\":\"get\",\"key\":\"nothing here\"}");
        assertEquals("{\"op\":\"missing\",\"key\":\"nothing here\"}", lastReplyText());
    }

    @Test
    void theTypeIsACustomOneThatNeedsEnhancedTrust() {
        assertEquals(TrustLevel.ENHANCED, TrustLevel.requiredFor(KeyValueHandler.TYPE));
    }

    @Test
    void everyBadRequestIsRejectedWithItsSpecificReasonAndAnsweredWithAnError() throws Exception {
        String longKey = "k".repeat(KvWire.MAX_KEY_CHARS + 1);
        String bigValue = "\u00e9".repeat(KvWire.MAX_VALUE_BYTES / 2 + 1); // 2 bytes each in UTF-8
        Object[][] cases = {
            {"", Rejection.NOT_JSON},
            {"[1,2]", Rejection.NOT_JSON},
            {"{\"op\":\"get\",\"key\":\"a\"} {}", Rejection.NOT_JSON},
            {"{\"op\":\"get\",\"key\":\"a\",\"key\":\"b\"}", Rejection.NOT_JSON},
            {"{\"op\":\"get\",\"key\":\"a\" /* hi */}", Rejection.NOT_JSON},
            {"{\"op\":\"get\",\"key\":", Rejection.NOT_JSON},
            {"{\"a\":" + "[".repeat(20) + "]".repeat(20) + "}", Rejection.NOT_JSON},
            {"{\"key\":\"a\"}", Rejection.BAD_OP},
            {"{\"op\":7,\"key\":\"a\"}", Rejection.BAD_OP},
            {"{\"op\":\"delete\",\"key\":\"a\"}", Rejection.BAD_OP},
            {"{\"op\":\"GET\",\"key\":\"a\"}", Rejection.BAD_OP},
            {"{\"op\":\"get\"}", Rejection.MISSING_KEY},
            {"{\"op\":\"get\",\"key\":null}", Rejection.MISSING_KEY},
            {"{\"op\":\"put\",\"key\":42,\"value\":\"v\"}", Rejection.MISSING_KEY},
            {"{\"op\":\"get\",\"key\":\"\"}", Rejection.BAD_KEY},
            {"{\"op\":\"get\",\"key\":\"" + longKey + "\"}", Rejection.BAD_KEY},
            {"{\"op\":\"get\",\"key\":\"a\\nb\"}", Rejection.BAD_KEY},
            {"{\"op\":\"get\",\"key\":\"a\",\"value\":\"v\"}", Rejection.UNKNOWN_FIELD},
            {"{\"op\":\"put\",\"key\":\"a\",\"value\":\"v\",\"ttl\":5}", Rejection.UNKNOWN_FIELD},
            {"{\"op\":\"put\",\"key\":\"a\"}", Rejection.MISSING_VALUE},
            {"{\"op\":\"put\",\"key\":\"a\",\"value\":12}", Rejection.MISSING_VALUE},
            {"{\"op\":\"put\",\"key\":\"a\",\"value\":{\"x\":1}}", Rejection.MISSING_VALUE},
            {"{\"op\":\"put\",\"key\":\"a\",\"value\":\"" + bigValue + "\"}", Rejection.VALUE_TOO_LARGE},
        };
        for (Object[] c : cases) {
            String metadata = (String) c[0];
            Rejection expected = (Rejection) c[1];
            long before = handler.rejected(expected);
            int sentBefore = channel.sent.size();
            assertDoesNotThrow(() -> handle(metadata), metadata);
            assertEquals(before + 1, handler.rejected(expected), "counted as " + expected + ": " + metadata);
            assertEquals(sentBefore + 1, channel.sent.size(), "answered: " + metadata);
            JsonNode reply = lastReply();
            assertEquals("error", reply.get("op").asText(), metadata);
            assertEquals(expected.name(), reply.get("reason").asText(), metadata);
            assertTrue(reply.get("message").asText().length() > 5, "a message that says why: " + reply);
        }
        assertEquals(0, handler.store().size(), "nothing stored by bad requests");
        assertEquals(0, handler.puts() + handler.gets());
    }

    @Test
    void oversizedMetadataAndABodyAreRejectedUnread() throws Exception {
        byte[] huge = ("{\"op\":\"get\",\"key\":\"" + "x".repeat(KvWire.MAX_METADATA_BYTES) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        handler.handle(channel, new RawPacket(KeyValueHandler.TYPE, huge, null));
        assertEquals(1, handler.rejected(Rejection.TOO_LARGE));
        assertEquals("TOO_LARGE", lastReply().get("reason").asText());

        handler.handle(channel, new RawPacket(KeyValueHandler.TYPE,
                "{\"op\":\"get\",\"key\":\"a\"}".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}));
        assertEquals(1, handler.rejected(Rejection.HAS_BODY));
        assertEquals("HAS_BODY", lastReply().get("reason").asText());

        handler.handle(channel, MessagePacket.of("not a KV packet"));
        assertEquals(1, handler.rejected(Rejection.NOT_RAW));
    }

    @Test
    void theLargestValidPutFitsEvenFullyEscaped() throws Exception {
        StringBuilder escaped = new StringBuilder();
        for (int i = 0; i < KvWire.MAX_VALUE_BYTES; i++) {
            escaped.append("\\u0041");
        }
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < KvWire.MAX_KEY_CHARS; i++) {
            key.append("\\u0042");
        }
        handle("{\"op\":\"put\",\"key\":\"" + key + "\",\"value\":\"" + escaped + "\"}");
        assertEquals("stored", lastReply().get("op").asText(), lastReplyText());
    }

    @Test
    void theStoreIsBoundedInEntriesAndRefusesBeyondWithoutEvicting() throws Exception {
        KeyValueHandler small = new KeyValueHandler(config(2, 1024));
        small.handle(channel, put("a", "1"));
        small.handle(channel, put("b", "2"));
        small.handle(channel, put("c", "3"));
        assertEquals(1, small.rejected(Rejection.STORE_FULL));
        JsonNode reply = lastReply();
        assertEquals("STORE_FULL", reply.get("reason").asText());
        assertTrue(reply.get("message").asText().contains("2 of 2 entries"), reply.toString());

        small.handle(channel, put("a", "overwrite is fine when full"));
        assertEquals("stored", lastReply().get("op").asText());
        small.handle(channel, get("b"));
        assertEquals("2", lastReply().get("value").asText(), "nothing was evicted");
    }

    @Test
    void theStoreIsBoundedInBytes() throws Exception {
        KeyValueHandler small = new KeyValueHandler(config(100, 1024));
        String kb = "v".repeat(1000);
        small.handle(channel, put("first", kb));
        assertEquals("stored", lastReply().get("op").asText());
        small.handle(channel, put("second", kb));
        assertEquals("STORE_FULL", lastReply().get("reason").asText());
        assertTrue(lastReply().get("message").asText().contains("1005 of 1024 bytes"), lastReplyText());
        small.handle(channel, put("first", "short now"));
        small.handle(channel, put("second", kb.substring(0, 900)));
        assertEquals("stored", lastReply().get("op").asText(), "room again after the overwrite");
        assertEquals(2, small.store().size());
        assertEquals("first".length() + "short now".length() + "second".length() + 900, small.store().bytes());
    }

    @Test
    void invalidBoundsAreRefusedAndTheOnesInForceStay() throws Exception {
        KeyValueHandler h = new KeyValueHandler(config(0, 10));
        // both invalid at start: the defaults stay
        for (int i = 0; i < 3; i++) {
            h.handle(channel, put("k" + i, "v"));
        }
        assertEquals(3, h.store().size());
        h.modified(config(2, 2048));
        h.handle(channel, put("k9", "v"));
        assertEquals("STORE_FULL", lastReply().get("reason").asText(), "the new bound applies to the next put");
        h.modified(config(-1, Long.MAX_VALUE));
        h.handle(channel, put("k10", "v"));
        assertEquals("STORE_FULL", lastReply().get("reason").asText(), "invalid values did not replace 2 entries");
    }

    @Test
    void repliesFromAnotherNodeAreCountedAndNeverAnswered() throws Exception {
        for (String reply : new String[] {"{\"op\":\"stored\",\"key\":\"a\"}", "{\"op\":\"value\",\"key\":\"a\",\"value\":\"b\"}",
            "{\"op\":\"missing\",\"key\":\"a\"}", "{\"op\":\"error\",\"reason\":\"BAD_OP\",\"message\":\"x\"}"}) {
            handle(reply);
        }
        assertEquals(4, handler.repliesReceived());
        assertEquals(0, channel.sent.size(), "no answer to an answer: two nodes never ping-pong");
    }

    @Test
    void aReplyThatCannotBeSentIsCountedAndNeverThrownIntoTheCore() {
        channel.mode = RecordingChannel.SendMode.FAIL_STAGE;
        assertDoesNotThrow(() -> handler.handle(channel, get("a")));
        channel.mode = RecordingChannel.SendMode.THROW;
        assertDoesNotThrow(() -> handler.handle(channel, get("a")));
        assertDoesNotThrow(() -> handler.handle(channel, RawPacket.json(KeyValueHandler.TYPE, "nonsense")));
        assertEquals(3, handler.sendFailures());
        assertEquals(1, handler.rejected(Rejection.NOT_JSON));
        assertEquals(false, channel.disconnected, "a bad packet never closes the channel");
    }

    /** What the core reads: the DS descriptor bnd generated from {@code @Component}. */
    @Test
    void isAPacketHandlerServiceForKv() {
        String xml = descriptor("OSGI-INF/org.p2pnet.examples.handler.KeyValueHandler.xml");
        assertTrue(xml.contains("<provide interface=\"org.p2pnet.api.packet.PacketHandler\"/>"), xml);
        assertTrue(xml.contains("name=\"" + PacketHandler.TYPE_PROPERTY + "\" type=\"String\" value=\"KV\""), xml);
        assertTrue(xml.contains("configuration-pid=\"" + KeyValueHandler.PID + "\""), xml);
    }

    static String descriptor(String resource) {
        try (var in = KeyValueHandler.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new AssertionError("no DS descriptor " + resource + ": bnd did not process the bundle");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private void handle(String metadata) throws Exception {
        handler.handle(channel, new RawPacket(KeyValueHandler.TYPE, metadata.getBytes(StandardCharsets.UTF_8), null));
    }

    private static RawPacket put(String key, String value) {
        return RawPacket.json(KeyValueHandler.TYPE, "{\"op\":\"put\",\"key\":\"" + key + "\",\"value\":\"" + value + "\"}");
    }

    private static RawPacket get(String key) {
        return RawPacket.json(KeyValueHandler.TYPE, "{\"op\":\"get\",\"key\":\"" + key + "\"}");
    }

    private String lastReplyText() {
        RawPacket reply = assertInstanceOf(RawPacket.class, channel.last());
        assertEquals(KeyValueHandler.TYPE, reply.type());
        assertEquals(0, reply.body().length);
        return reply.metadataText();
    }

    private JsonNode lastReply() throws Exception {
        return JSON.readTree(lastReplyText());
    }

    static KeyValueHandler.Config config(int maxEntries, long maxBytes) {
        return new KeyValueHandler.Config() {
            @Override public Class<? extends Annotation> annotationType() { return KeyValueHandler.Config.class; }
            @Override public int maxEntries() { return maxEntries; }
            @Override public long maxBytes() { return maxBytes; }
        };
    }
}
