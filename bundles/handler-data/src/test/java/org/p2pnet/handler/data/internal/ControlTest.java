package org.p2pnet.handler.data.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.p2pnet.api.packet.DataFormat;

class ControlTest {
    private static final String SHA = "ab".repeat(32);

    @Test
    void everyKindRoundTrips() {
        for (Control c : new Control[] {Control.offer("t-1", DataFormat.FILE, "a b.txt", 123, SHA, 8 << 20),
                Control.at(Control.Kind.ACCEPT, "t-1", 5), Control.at(Control.Kind.ACK, "t-1", 4 << 20),
                Control.done("t-1"), Control.because(Control.Kind.REFUSE, "t-1", "quota: too many"),
                Control.because(Control.Kind.FAIL, "t-1", "SHA-256 mismatch"),
                Control.because(Control.Kind.CANCEL, "t-1", "")}) {
            assertEquals(c, Control.read(c.packet().metadata()));
        }
        assertEquals("{\"v\":1,\"type\":\"accept\",\"transferId\":\"t-1\",\"offset\":5}",
                Control.at(Control.Kind.ACCEPT, "t-1", 5).json());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "[]", "{", "{\"v\":1,\"type\":\"done\",\"transferId\":\"x\"} trailing",
            "{\"v\":2,\"type\":\"done\",\"transferId\":\"x\"}",
            "{\"v\":1,\"type\":\"nope\",\"transferId\":\"x\"}",
            "{\"v\":1,\"type\":\"done\",\"transferId\":\"../x\"}",
            "{\"v\":1,\"type\":\"done\",\"transferId\":\"\"}",
            "{\"v\":1,\"type\":\"done\",\"transferId\":\"x\",\"extra\":1}",
            "{\"v\":1,\"type\":\"done\",\"transferId\":\"x\",\"transferId\":\"y\"}",
            "{\"v\":1,\"type\":\"ack\",\"transferId\":\"x\"}",
            "{\"v\":1,\"type\":\"ack\",\"transferId\":\"x\",\"offset\":-1}",
            "{\"v\":1,\"type\":\"ack\",\"transferId\":\"x\",\"offset\":\"5\"}",
            "{\"v\":1,\"type\":\"ack\",\"transferId\":\"x\",\"offset\":1.5}",
            "{\"v\":1,\"type\":\"ack\",\"transferId\":\"x\",\"offset\":99999999999999999999999}",
            "{\"v\":1,\"type\":\"offer\",\"transferId\":\"x\",\"format\":\"EXE\",\"name\":\"a\",\"size\":1,"
                    + "\"sha256\":\"" + "ab" + "\",\"window\":1}",
            "{\"v\":1,\"type\":\"offer\",\"transferId\":\"x\",\"format\":\"FILE\",\"name\":\"a\",\"size\":1,"
                    + "\"sha256\":\"ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB\",\"window\":1}",
            "{\"v\":1,\"type\":\"offer\",\"transferId\":\"x\",\"format\":\"FILE\",\"name\":\"a\",\"size\":1,"
                    + "\"sha256\":\"" + "abababababababababababababababababababababababababababababababab" + "\",\"window\":0}",
            "{\"v\":1,\"type\":\"refuse\",\"transferId\":\"x\",\"reason\":{}}"})
    void malformedIsRefusedWithAReason(String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Control.read(json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
    }

    @Test
    void oversizedMetadataIsNotParsed() {
        byte[] big = new byte[Control.MAX_METADATA_BYTES + 1];
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Control.read(big)).getMessage()
                .contains("more than"));
    }
}
