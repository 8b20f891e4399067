package org.p2pnet.handler.task.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.p2pnet.api.task.SignedTask;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the reading of a received {@code NETWORK_TASK} envelope ({@link TaskCodec#read}) and the
 * signature check that follows it on the receive path. The contract: a {@link SignedTask}, or a
 * {@link TaskRefused} {@code MALFORMED} with a detail; nothing else is thrown, also not by
 * {@link SignedTask#signatureValid} on whatever key and signature bytes were read. What is read
 * writes back to an envelope that reads as the same task. Saved inputs:
 * {@code TaskCodecFuzzTestInputs/}.
 */
class TaskCodecFuzzTest {
    private static final TaskCodec CODEC = new TaskCodec();

    @FuzzTest(maxDuration = "2m")
    void receivedEnvelope(byte[] metadata) throws Exception {
        SignedTask signed;
        try {
            signed = CODEC.read(metadata);
        } catch (TaskRefused refused) {
            assertEquals(Refusal.MALFORMED, refused.reason(), refused::getMessage);
            assertNotNull(refused.detail());
            assertTrue(!refused.detail().isBlank(), "a refusal has a detail");
            return;
        }
        signed.signatureValid(); // arbitrary key and signature bytes: false, never an exception
        SignedTask again = CODEC.read(CODEC.write(signed));
        assertEquals(signed.task(), again.task());
        assertArrayEquals(signed.signerKey(), again.signerKey());
        assertArrayEquals(signed.signature(), again.signature());
    }
}
