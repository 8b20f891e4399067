package org.p2pnet.discovery.genesis.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.genesis.BootstrapStatus;
import org.p2pnet.testing.Conditions;

/** Answers that are not what docs/GENESIS.md says are refused with a specific reason, counted, and retried. */
class MalformedAnswerTest {
    private final Harness node = new Harness();

    @AfterEach
    void stop() {
        node.close();
    }

    /** A trustless client against a genesis node answering with {@code responder}: refused at least twice. */
    private void refused(FakeGenesis genesis, String expected) {
        GenesisClientService client = node.client(Configs.fast(Map.of("urls", genesis.url())));
        Conditions.await("refused twice with '" + expected + "'", Harness.QUICKLY, () -> {
            BootstrapStatus s = client.status();
            return s.refusedAnswers() >= 2 && s.lastResult().contains(expected);
        });
        assertTrue(node.network.offers.isEmpty(), "nothing of a refused answer is offered");
        assertTrue(client.status().lastSuccess().isEmpty());
    }

    /** The standard answer, changed. */
    private void refusedWhen(Consumer<Map<String, Object>> change, String expected) throws Exception {
        FakeGenesis genesis = node.genesis();
        genesis.responder = request -> {
            Map<String, Object> json = genesis.standardJson(request);
            change.accept(json);
            return genesis.reply(json);
        };
        refused(genesis, expected);
    }

    /** This body, whatever the request. */
    private void refusedFor(byte[] body, boolean chunked, String expected) throws Exception {
        FakeGenesis genesis = node.genesis();
        genesis.chunked = chunked;
        genesis.responder = request -> new FakeGenesis.Reply(200, Map.of(), body);
        refused(genesis, expected);
    }

    @Test
    void notJson() throws Exception {
        refusedFor("<html>captive portal</html>".getBytes(StandardCharsets.UTF_8), false, "MALFORMED (not JSON");
    }

    @Test
    void aFieldMissing() throws Exception {
        refusedWhen(json -> json.remove("peers"), "MALFORMED (peers is missing)");
    }

    @Test
    void aFieldOfTheWrongType() throws Exception {
        refusedWhen(json -> json.put("ts", "1795000000000"), "MALFORMED (ts must be a positive integer");
    }

    @Test
    void anotherVersion() throws Exception {
        refusedWhen(json -> json.put("v", 2), "VERSION (version 2");
    }

    @Test
    void anOversizedBodyDeclaredByContentLength() throws Exception {
        byte[] big = new byte[AnswerCodec.MAX_BODY_BYTES + 1];
        Arrays.fill(big, (byte) ' ');
        refusedFor(big, false, "MALFORMED (the body declares " + big.length + " bytes");
    }

    @Test
    void anOversizedChunkedBody() throws Exception {
        byte[] big = new byte[4 * AnswerCodec.MAX_BODY_BYTES];
        Arrays.fill(big, (byte) ' ');
        refusedFor(big, true, "MALFORMED (the body has more than " + AnswerCodec.MAX_BODY_BYTES + " bytes)");
    }
}
