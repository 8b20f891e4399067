package org.p2pnet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where a broadcast arrived, read from each node's {@code p2p:messages --json}: the multi-node
 * tests' shared check that a broadcast reached every node exactly once.
 */
final class BroadcastReach {
    private BroadcastReach() {
    }

    /** The nodes keyed by their home directory, in order (for messages that name them). */
    static Map<Path, ExternalNode> byHome(List<ExternalNode> nodes) {
        Map<Path, ExternalNode> byHome = new LinkedHashMap<>();
        nodes.forEach(n -> byHome.put(n.home(), n));
        return byHome;
    }

    /**
     * How many times each node's message log lists broadcast {@code id}, asked of all nodes at once
     * on {@code pool}; a node that does not answer within 90 s counts 0.
     */
    static <K> Map<K, Integer> copies(Map<K, ExternalNode> nodes, String id, ExecutorService pool) {
        Map<K, Future<Integer>> futures = new LinkedHashMap<>();
        nodes.forEach((key, node) -> futures.put(key, pool.submit(() -> {
            int n = 0;
            for (JsonNode m : NodeViews.json(node.exec("p2p:messages --json -n 1000"), '[', ']')) {
                if (m.path("broadcast").asBoolean() && id.equals(m.path("id").asText())) {
                    n++;
                }
            }
            return n;
        })));
        Map<K, Integer> result = new LinkedHashMap<>();
        futures.forEach((key, f) -> {
            try {
                result.put(key, f.get(90, TimeUnit.SECONDS));
            } catch (Exception notNow) {
                result.put(key, 0);
            }
        });
        return result;
    }

    /** Waits until every node lists the broadcast; then asserts each lists it exactly once. */
    static <K> void awaitDeliveredOnce(Map<K, ExternalNode> nodes, String id, Duration timeout, ExecutorService pool)
            throws Exception {
        Map<K, Integer> counts = new LinkedHashMap<>();
        try {
            P2pnetTestSupport.waitFor("broadcast " + id.substring(0, 12) + " delivered on all " + nodes.size(), timeout,
                () -> {
                    counts.putAll(copies(nodes, id, pool));
                    return nodes.keySet().stream().allMatch(k -> counts.getOrDefault(k, 0) >= 1);
                });
        } catch (AssertionError notEverywhere) {
            fail("broadcast " + id + " reached " + counts.values().stream().filter(c -> c > 0).count() + " of "
                + nodes.size() + " nodes: copies by node " + counts);
        }
        for (K key : nodes.keySet()) {
            assertEquals("broadcast " + id.substring(0, 12) + " delivered exactly once on " + key, 1,
                counts.get(key).intValue());
        }
        System.out.println("broadcast " + id.substring(0, 12) + ": delivered exactly once on each of " + nodes.size()
            + " nodes");
    }
}
