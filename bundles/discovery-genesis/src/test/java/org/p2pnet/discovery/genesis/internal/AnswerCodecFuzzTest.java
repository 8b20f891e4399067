package org.p2pnet.discovery.genesis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;

import org.p2pnet.api.genesis.GenesisWire;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the client's reading of a genesis node's answer body ({@link AnswerCodec#read}, both as a
 * registration answer and as a sample answer) and of an error body ({@link AnswerCodec#describeError},
 * {@link AnswerCodec#retryAfterSeconds}). The contract: an answer, or a {@link RefusedAnswer}
 * {@code MALFORMED} or {@code VERSION} with a detail; the error-body readers never throw. An answer
 * taken as a registration answer is also taken as a sample answer (registration only adds
 * {@code observed}). Saved inputs: {@code AnswerCodecFuzzTestInputs/}.
 */
class AnswerCodecFuzzTest {
    private static final AnswerCodec CODEC = new AnswerCodec();

    @FuzzTest(maxDuration = "2m")
    void answerBody(byte[] body) {
        GenesisAnswer asRegistration = read(body, true);
        GenesisAnswer asSample = read(body, false);
        if (asRegistration != null) {
            assertNotNull(asSample, "a registration answer must also read as a sample answer");
            assertTrue(asRegistration.observed().isPresent(), "a registration answer has observed");
            assertEquals(asRegistration, asSample);
        }
        if (asSample != null) {
            assertTrue(asSample.peers().size() <= GenesisWire.MAX_COUNT);
            assertTrue(asSample.timestamp() > 0);
            assertTrue(asSample.ttlSeconds() >= 0);
        }
        assertNotNull(CODEC.describeError(body));
        OptionalLong retry = CODEC.retryAfterSeconds(body);
        assertTrue(retry.isEmpty() || retry.getAsLong() >= 0);
    }

    private static GenesisAnswer read(byte[] body, boolean registration) {
        try {
            return CODEC.read(body, registration);
        } catch (RefusedAnswer refused) {
            assertTrue(refused.reason() == RefusalReason.MALFORMED || refused.reason() == RefusalReason.VERSION,
                    refused::getMessage);
            assertTrue(!refused.detail().isBlank(), "a refusal has a detail");
            return null;
        }
    }
}
