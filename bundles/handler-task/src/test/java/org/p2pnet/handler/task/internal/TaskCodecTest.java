package org.p2pnet.handler.task.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.p2pnet.api.task.NetworkTask;
import org.p2pnet.api.task.NetworkTaskType;
import org.p2pnet.api.task.SignedTask;
import org.p2pnet.testing.FakePeerChannel;
import org.p2pnet.testing.KeySigner;

class TaskCodecTest {
    private static final KeySigner AUTHORITY = new KeySigner();
    private static final Instant ISSUED = Instant.parse("2026-11-21T10:00:00Z");
    private static final NetworkTask TASK = new NetworkTask(NetworkTaskType.SEND_MESSAGE, NetworkTask.EVERY_NODE,
            Map.of("peer", FakePeerChannel.peer('b').value(), "text", "hi \"there\" ü"), "p2pnet",
            "00112233445566778899aabbccddeeff", ISSUED, ISSUED.plusSeconds(3600));
    private static final ObjectMapper PLAIN = new ObjectMapper();

    private final TaskCodec codec = new TaskCodec();

    @Test
    void aTaskRoundTripsAndKeepsItsSignature() throws Exception {
        SignedTask signed = SignedTask.sign(TASK, AUTHORITY);

        SignedTask read = codec.read(codec.write(signed));

        assertEquals(TASK, read.task());
        assertArrayEquals(signed.signerKey(), read.signerKey());
        assertArrayEquals(signed.signature(), read.signature());
        assertTrue(read.signatureValid());
    }

    @Test
    void theWireFormIsTheDocumentedOne() {
        String json = new String(codec.write(SignedTask.sign(TASK, AUTHORITY)), StandardCharsets.UTF_8);

        assertTrue(json.startsWith("{\"v\":1,\"task\":{\"type\":\"SendMessage\",\"target\":\"*\",\"arguments\":{\"peer\":\""
                + FakePeerChannel.peer('b').value() + "\",\"text\":\"hi \\\"there\\\" ü\"},\"network\":\"p2pnet\","
                + "\"nonce\":\"00112233445566778899aabbccddeeff\",\"issuedAt\":" + ISSUED.toEpochMilli()
                + ",\"expiresAt\":" + ISSUED.plusSeconds(3600).toEpochMilli() + "},\"signerKey\":\""), json);
        assertTrue(json.contains("\"signature\":\""), json);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                edit(root -> root.put("extra", 1), "the envelope has the unknown field 'extra'"),
                edit(root -> task(root).put("priority", "high"), "task has the unknown field 'priority'"),
                edit(root -> root.put("v", 2), "version 2 is not 1"),
                edit(root -> root.put("v", "1"), "v is not an integer"),
                edit(root -> root.remove("v"), "v is missing"),
                edit(root -> root.remove("task"), "task is missing"),
                edit(root -> root.put("task", "BlockIP"), "task is not a JSON object"),
                edit(root -> task(root).put("issuedAt", 1.5), "task.issuedAt must be a positive integer"),
                edit(root -> task(root).put("issuedAt", "1795000000000"), "task.issuedAt must be a positive integer"),
                edit(root -> task(root).put("expiresAt", -5), "task.expiresAt must be a positive integer"),
                edit(root -> task(root).put("type", "SEND_MESSAGE"), "task.type 'SEND_MESSAGE' is not a network task type"),
                edit(root -> task(root).put("type", "Reboot"), "task.type 'Reboot' is not a network task type"),
                edit(root -> task(root).remove("arguments"), "task.arguments is missing"),
                edit(root -> task(root).put("arguments", "ip"), "task.arguments is not a JSON object"),
                edit(root -> ((ObjectNode) task(root).get("arguments")).put("text", 5), "task.arguments.text is not a string"),
                edit(root -> ((ObjectNode) task(root).get("arguments")).put("ip", "10.0.0.1"),
                        "task: SendMessage takes the arguments [peer, text]"),
                edit(root -> ((ObjectNode) task(root).get("arguments")).put("peer", "bbbb"),
                        "task.arguments.peer: peer id must be 64 hex digits"),
                edit(root -> task(root).put("target", "bbbb"), "task: target must be a peer id"),
                edit(root -> task(root).put("network", ""), "task.network must be 1-128 characters"),
                edit(root -> task(root).put("nonce", "00112233445566778899AABBCCDDEEFF"),
                        "task: nonce must be 16-64 lowercase hex digits"),
                edit(root -> task(root).put("expiresAt", ISSUED.minusSeconds(1).toEpochMilli()),
                        "task: expiresAt must be after issuedAt"),
                edit(root -> task(root).put("expiresAt", ISSUED.plusSeconds(2 * 86_400).toEpochMilli()),
                        "task: a task may live at most 86400 seconds"),
                edit(root -> root.put("signerKey", "!!not base64!!"), "signerKey is not base64"),
                edit(root -> root.put("signature", "A".repeat(200)), "signature must be 1-128 characters"),
                edit(root -> root.remove("signature"), "signature is missing"),
                edit(root -> root.putNull("signerKey"), "signerKey is missing"),
                Arguments.of("[1,2]", "the envelope is not a JSON object"),
                Arguments.of("{\"v\":1,\"v\":1}", "not JSON: Duplicate field 'v'"),
                Arguments.of(valid() + " {}", "not JSON: "),
                Arguments.of(valid().replace("\"arguments\":{", "\"arguments\":{\"deep\":{\"deeper\":{}},"), "not JSON: "),
                Arguments.of("{\"v\":1,\"task\":{\"type\":\"BlockIP\"", "not JSON: "),
                Arguments.of("\u0000\u0001", "not JSON: "));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedMetadataIsRefusedNamingTheProblem(String metadata, String expected) {
        TaskRefused refused = assertThrows(TaskRefused.class,
                () -> new TaskCodec().read(metadata.getBytes(StandardCharsets.UTF_8)));

        assertEquals(Refusal.MALFORMED, refused.reason());
        assertTrue(refused.detail().startsWith(expected), "'" + refused.detail() + "' should start with '"
                + expected + "'");
    }

    @Test
    void metadataOverTheLimitIsRefusedUnread() {
        TaskRefused refused = assertThrows(TaskRefused.class,
                () -> codec.read(new byte[TaskCodec.MAX_METADATA_BYTES + 1]));

        assertEquals("the metadata has 65537 bytes, more than 65536", refused.detail());
    }

    @Test
    void controlCharactersFromTheWireAreNotCopiedIntoTheLog() {
        TaskRefused refused = assertThrows(TaskRefused.class, () -> codec.read(
                valid().replace("\"SendMessage\"", "\"Send\\nMessage\"").getBytes(StandardCharsets.UTF_8)));

        assertTrue(refused.detail().startsWith("task.type 'Send?Message'"), refused.detail());
    }

    private static Arguments edit(Consumer<ObjectNode> change, String expected) {
        try {
            ObjectNode root = (ObjectNode) PLAIN.readTree(valid());
            change.accept(root);
            return Arguments.of(PLAIN.writeValueAsString(root), expected);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode task(ObjectNode root) {
        return (ObjectNode) root.get("task");
    }

    private static String valid() {
        return new String(new TaskCodec().write(SignedTask.sign(TASK, AUTHORITY)), StandardCharsets.UTF_8);
    }
}
