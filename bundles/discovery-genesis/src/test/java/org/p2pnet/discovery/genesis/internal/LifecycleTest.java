package org.p2pnet.discovery.genesis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.p2pnet.testing.Conditions;

/** Deactivation ends every thread and task of the client, also with a request in flight. */
class LifecycleTest {
    private static final Duration QUICKLY = Harness.QUICKLY;

    private final Harness node = new Harness();

    @AfterEach
    void stop() {
        node.close();
    }

    static List<String> clientThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith(GenesisClientService.THREAD_PREFIX)).toList();
    }

    /** The JDK client's selector thread: HttpClient-<id>-SelectorManager, the id taken from its name. */
    static String selectorThread(GenesisClientService client) {
        Matcher m = Pattern.compile("\\((\\d+)\\)$").matcher(client.httpClientName());
        assertTrue(m.find(), "the JDK names its client with its id: " + client.httpClientName());
        return "HttpClient-" + m.group(1) + "-SelectorManager";
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name));
    }

    /** The JDK's selector thread ends with shutdownNow (Java 21+), or once the dropped client is collected (Java 17). */
    private static void awaitGone(String selector) {
        Conditions.await(selector + " ended", Duration.ofSeconds(20), () -> {
            System.gc();
            return !threadAlive(selector);
        });
    }

    @Test
    void deactivateEndsEveryThreadAndTask() throws Exception {
        FakeGenesis genesis = node.genesis();
        GenesisClientService client = node.client(Configs.fast(Map.of("urls", genesis.url())));
        Conditions.await("renewing", QUICKLY, () -> genesis.verifiedRegistrations() >= 2);
        assertFalse(clientThreads().isEmpty());
        String selector = selectorThread(client);
        assertTrue(threadAlive(selector));

        client.deactivate();
        int requests = genesis.requests.size();

        assertTrue(client.ended(), "the timer ended with no task queued");
        assertFalse(client.status().running());
        assertTrue(client.status().nextAttempt().isEmpty());
        Conditions.await("no " + GenesisClientService.THREAD_PREFIX + " thread", QUICKLY, () -> clientThreads().isEmpty());
        awaitGone(selector);
        assertEquals(requests, genesis.requests.size(), "no request after deactivate");
        client.deactivate(); // twice is harmless
        assertTrue(client.ended());
    }

    @Test
    void deactivateAbortsARequestInFlight() throws Exception {
        FakeGenesis genesis = node.genesis();
        CountDownLatch release = new CountDownLatch(1);
        genesis.responder = request -> {
            release.await(10, TimeUnit.SECONDS); // bounded: the server thread never hangs the build
            return genesis.standard(request);
        };
        GenesisClientService client = node.client(Configs.fast(Map.of("urls", genesis.url())));
        Conditions.await("a request in flight", QUICKLY, () -> genesis.requests.size() == 1);
        String selector = selectorThread(client);

        long started = System.nanoTime();
        client.deactivate();
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertTrue(tookMillis < 2000, "deactivate waits for no answer: " + tookMillis + " ms");
        assertTrue(client.ended());
        Conditions.await("no " + GenesisClientService.THREAD_PREFIX + " thread", QUICKLY, () -> clientThreads().isEmpty());
        release.countDown();
        awaitGone(selector);
        assertTrue(node.network.offers.isEmpty(), "the aborted answer is not used");
    }

    @Test
    void anIdleClientStartsNoThread() {
        GenesisClientService client = node.client(Configs.fast(Map.of()));
        assertTrue(clientThreads().isEmpty());
        client.deactivate();
        assertTrue(client.ended());
    }
}
