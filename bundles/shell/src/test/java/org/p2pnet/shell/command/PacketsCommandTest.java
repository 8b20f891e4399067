package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.PacketTypeStats;

class PacketsCommandTest extends CommandTestSupport {

    private void someTraffic() {
        network.packetStats.add(new PacketTypeStats("MESSAGE", 57, 12, 6_840, 1_404));
        network.packetStats.add(new PacketTypeStats("IDENTITY", 9, 9, 2_790, 2_790));
        network.packetStats.add(new PacketTypeStats(PacketTypeStats.OTHER, 3, 0, 150, 0));
    }

    @Test
    void showsOneRowPerTypeSortedWithItsCounters() throws Exception {
        someTraffic();

        String text = run(wired(new PacketsCommand()));

        List<String> lines = text.lines().toList();
        assertEquals(List.of("Type", "Packets in", "Packets out", "Bytes in", "Bytes out"),
                List.of(lines.get(0).split("\\s*\\|\\s*")).stream().map(String::strip).toList(), text);
        assertTrue(lines.get(2).startsWith("(other)"), text);
        assertTrue(lines.get(3).startsWith("IDENTITY"), text);
        assertEquals(List.of("MESSAGE", "57", "12", "6840", "1404"),
                List.of(lines.get(4).split("\\s*\\|\\s*")).stream().map(String::strip).toList(), text);
    }

    @Test
    void saysSoWhenNothingWasCounted() throws Exception {
        String text = run(wired(new PacketsCommand()));

        assertTrue(text.contains("no packets counted yet"), text);
    }

    @Test
    void printsJsonWithStableFieldNames() throws Exception {
        someTraffic();

        JsonNode json = runJson(wired(new PacketsCommand()));

        assertEquals(3, json.size());
        JsonNode message = json.get(2);
        assertEquals(List.of("packetType", "packetsIn", "packetsOut", "bytesIn", "bytesOut"), fieldNames(message));
        assertEquals("MESSAGE", message.get("packetType").asText());
        assertEquals(57, message.get("packetsIn").asLong());
        assertEquals(12, message.get("packetsOut").asLong());
        assertEquals(6840, message.get("bytesIn").asLong());
        assertEquals(1404, message.get("bytesOut").asLong());
        assertEquals("(other)", json.get(0).get("packetType").asText());
    }

    @Test
    void printsAnEmptyJsonArrayWhenNothingWasCounted() throws Exception {
        JsonNode json = runJson(wired(new PacketsCommand()));

        assertTrue(json.isArray() && json.isEmpty(), json.toString());
    }
}
