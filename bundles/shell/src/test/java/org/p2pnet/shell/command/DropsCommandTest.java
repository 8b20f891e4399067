package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.InputDrops;

/** p2p:drops: the core's rejections and every bundle's InputDrops, in one table. */
class DropsCommandTest extends CommandTestSupport {

    private static InputDrops source(String name, Map<String, Long> counts) {
        return new InputDrops() {
            @Override
            public String source() {
                return name;
            }

            @Override
            public Map<String, Long> counts() {
                return counts;
            }
        };
    }

    private DropsCommand command(boolean all, InputDrops... sources) {
        DropsCommand command = wired(new DropsCommand());
        command.sources = List.of(sources);
        command.all = all;
        network.status = statusWithRejections(Map.of(DisconnectReason.MALFORMED_FRAME, 2L));
        return command;
    }

    private org.p2pnet.api.NodeStatus statusWithRejections(Map<DisconnectReason, Long> rejections) {
        org.p2pnet.api.NodeStatus s = network.status;
        return new org.p2pnet.api.NodeStatus(s.identity(), s.listening(), s.acceptInbound(), s.transport(),
                s.inboundChannels(), s.outboundChannels(), s.knownPeers(), s.packetsIn(), s.packetsOut(), rejections,
                s.rejectedConfigurations());
    }

    private static Map<String, Long> counts(Object... kindAndCount) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < kindAndCount.length; i += 2) {
            m.put((String) kindAndCount[i], ((Number) kindAndCount[i + 1]).longValue());
        }
        return m;
    }

    @Test
    void listsTheCoresRejectionsThenEachSourceByNameOnlyKindsWithACount() throws Exception {
        String text = run(command(false,
            source("trust", counts("MALFORMED", 0, "CHALLENGE_FLOOD", 3)),
            source("broadcast", counts("TOO_LARGE", 1, "MALFORMED", 0))));

        List<String> rows = text.lines().skip(2).filter(l -> l.contains("|")).toList();
        assertEquals(3, rows.size(), text);
        assertTrue(rows.get(0).matches("node\\s*\\|\\s*MALFORMED_FRAME\\s*\\|\\s*2"), text);
        assertTrue(rows.get(1).matches("broadcast\\s*\\|\\s*TOO_LARGE\\s*\\|\\s*1"), text);
        assertTrue(rows.get(2).matches("trust\\s*\\|\\s*CHALLENGE_FLOOD\\s*\\|\\s*3"), text);
        assertTrue(text.contains("Sources: node, broadcast, trust"), text);
    }

    @Test
    void allListsTheKindsNeverSeenToo() throws Exception {
        String text = run(command(true, source("broadcast", counts("TOO_LARGE", 0, "MALFORMED", 0))));

        assertTrue(text.contains("TOO_LARGE") && text.contains("MALFORMED"), text);
        assertTrue(text.contains("NETWORK_MISMATCH"), "every core reason: " + text);
        assertFalse(text.contains("Sources:"), text);
    }

    @Test
    void printsOneJsonObjectBySourceAndKind() throws Exception {
        DropsCommand command = command(false, source("data", counts("UNKNOWN_TRANSFER", 4)));
        command.json = true;

        JsonNode json = runJson(command);

        assertEquals(List.of("node", "data"), fieldNames(json));
        assertEquals(2, json.get("node").get("MALFORMED_FRAME").asLong());
        assertEquals(4, json.get("data").get("UNKNOWN_TRANSFER").asLong());
    }

    @Test
    void withNoBundleRunningShowsTheCoreAlone() throws Exception {
        DropsCommand command = command(false);
        command.sources = null;

        String text = run(command);

        assertTrue(text.contains("MALFORMED_FRAME") && text.contains("Sources: node "), text);
    }
}
