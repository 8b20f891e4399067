package org.p2pnet.discovery.genesis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.discovery.DiscoveredPeer;
import org.p2pnet.api.genesis.BootstrapStatus;
import org.p2pnet.api.genesis.GenesisMode;
import org.p2pnet.testing.Conditions;
import org.p2pnet.testing.KeySigner;

/** The join protocol of docs/GENESIS.md against a fake genesis node on loopback, in trustless mode. */
class JoinProtocolTest {
    private static final Duration QUICKLY = Harness.QUICKLY;

    private final Harness node = new Harness();

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void asksOffersMinPeersRegistersWithAVerifiableSignatureAndRenews() throws Exception {
        FakeGenesis genesis = node.genesis();
        GenesisClientService client = node.client(Configs.fast(Map.of("urls", genesis.url())));

        Conditions.await("3 peers offered", QUICKLY, () -> node.network.offers.size() >= 3);
        FakeGenesis.Request ask = genesis.requests("GET").get(0);
        assertEquals("/p2pnet/genesis/peers", ask.uri().getPath());
        assertEquals("8", ask.query().get("count"));
        assertEquals(node.nodeKey.keyId(), ask.query().get("exclude"));
        assertEquals(FakeNetwork.NETWORK, ask.query().get("net"));
        assertTrue(ask.nonce().matches("[A-Za-z0-9_-]{16,32}"), ask.nonce());
        Set<PeerId> sample = new HashSet<>();
        genesis.peers.forEach(p -> sample.add(PeerId.parse((String) p.get("id"))));
        List<DiscoveredPeer> asked = node.network.offers.subList(0, 3);
        for (DiscoveredPeer offer : asked) {
            assertTrue(sample.contains(offer.peerId()), "offers peers of the sample");
            assertEquals(GenesisClientService.SOURCE, offer.source());
            assertEquals(1, offer.addresses().size());
            assertEquals("127.0.0.1", offer.addresses().get(0).host());
        }
        assertEquals(3, asked.stream().map(DiscoveredPeer::peerId).distinct().count(), "without repetition");

        // below minPeers the registration waits joinWait, then goes out anyway; then it is renewed
        Conditions.await("registered and renewed", QUICKLY, () -> genesis.verifiedRegistrations() >= 2);
        assertEquals(genesis.registrations.size(), genesis.verifiedRegistrations(), "every registration verifies");
        JsonNode registration = genesis.registrations.get(0).body();
        assertEquals(1, registration.get("v").intValue());
        assertEquals(FakeNetwork.NETWORK, registration.get("net").textValue());
        assertEquals(node.nodeKey.keyId(), registration.get("id").textValue());
        assertEquals(7700, registration.get("port").intValue());
        assertEquals(8, registration.get("count").intValue());
        assertTrue(Math.abs(registration.get("ts").longValue() - System.currentTimeMillis()) < 60_000);
        assertTrue(registration.get("nonce").textValue().matches("[A-Za-z0-9_-]{16,32}"));
        assertTrue(genesis.registrations.get(1).body().get("ts").longValue()
                >= registration.get("ts").longValue(), "a renewal is signed afresh");

        BootstrapStatus status = client.status();
        assertTrue(status.running());
        assertEquals(List.of(genesis.url()), status.urls());
        assertEquals(GenesisMode.TRUSTLESS, status.mode());
        assertTrue(status.lastAttempt().isPresent());
        assertTrue(status.lastSuccess().isPresent());
        assertTrue(status.nextAttempt().isPresent());
        assertTrue(status.peersOffered() >= 3);
        assertEquals(0, status.refusedAnswers());
        assertTrue(status.lastResult().contains("with " + genesis.url()), status.lastResult());
        assertEquals(GenesisClientService.Phase.RENEW, client.phase(), "the second POST follows the first one's answer");
    }

    @Test
    void registersAtOnceWhenMinPeersChannelsAreOpen() throws Exception {
        FakeGenesis genesis = node.genesis();
        node.network.openChannels = 3;
        // joinWait is long: only the channel count can trigger the registration within the wait below
        ClientSettings settings = Configs.timings(ClientSettings.from(Configs.config(Map.of("urls", genesis.url()))),
                Duration.ofSeconds(60), Configs.RETRY_MIN, Configs.RETRY_MAX, Duration.ofSeconds(60));
        node.client(settings);

        Conditions.await("registered", QUICKLY, () -> genesis.verifiedRegistrations() == 1);
        assertEquals(3, node.network.offers.size(), "step 2 offers up to minPeers whatever is open");
    }

    @Test
    void registrationSampleIsOfferedOnlyWhileBelowMinPeers() throws Exception {
        FakeGenesis genesis = node.genesis();
        node.network.minPeers = 2;
        node.client(Configs.fast(Map.of("urls", genesis.url())));
        Conditions.await("registered", QUICKLY, () -> genesis.verifiedRegistrations() >= 1);
        // 2 from the ask, then up to 2 more from the registration's sample (no channel opened)
        Conditions.await("registration sample offered", QUICKLY, () -> node.network.offers.size() >= 4);

        node.network.openChannels = 2;
        int before = node.network.offers.size();
        long registered = genesis.verifiedRegistrations();
        Conditions.await("two more renewals", QUICKLY, () -> genesis.verifiedRegistrations() >= registered + 2);
        assertTrue(node.network.offers.size() <= before + 2, "at most one renewal raced the channel count");
    }

    @Test
    void anEmptySampleOffersTheGenesisNodeItselfAtTheUrlsHost() throws Exception {
        FakeGenesis genesis = node.genesis();
        genesis.peers = List.of();
        GenesisClientService client = node.client(Configs.fast(Map.of("urls", genesis.url())));

        Conditions.await("the genesis node offered", QUICKLY, () -> node.network.offered(genesis.genesisId()));
        DiscoveredPeer offer = node.network.offers.get(0);
        assertEquals(List.of(new PeerAddress("127.0.0.1", FakeGenesis.GENESIS_PORT)), offer.addresses());
        assertTrue(client.status().peersOffered() >= 1);
    }

    @Test
    void entriesWithAnUnusableIdAndOurOwnAreSkipped() throws Exception {
        FakeGenesis genesis = node.genesis();
        String good = new KeySigner().keyId();
        genesis.peers = List.of(FakeGenesis.entry("not-hex", "127.0.0.1", 17001),
                FakeGenesis.entry(node.nodeKey.keyId(), "127.0.0.1", 17002),
                FakeGenesis.entry(good, "127.0.0.1", 17003),
                FakeGenesis.entry(new KeySigner().keyId(), "bad host", 17004));
        node.client(Configs.fast(Map.of("urls", genesis.url())));

        Conditions.await("the good one offered", QUICKLY, () -> node.network.offered(PeerId.parse(good)));
        Conditions.await("registered", QUICKLY, () -> genesis.verifiedRegistrations() >= 1);
        assertEquals(Set.of(PeerId.parse(good)), Set.copyOf(node.network.offers.stream().map(DiscoveredPeer::peerId).toList()),
                "neither ourselves, nor an id that does not parse, nor a host with a space, nor the genesis node");
    }

    @Test
    void theFirstUrlDownTheSecondIsUsed() throws Exception {
        int closedPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = free.getLocalPort();
        }
        FakeGenesis genesis = node.genesis();
        String down = "http://127.0.0.1:" + closedPort + "/p2pnet/genesis";
        GenesisClientService client = node.client(Configs.fast(Map.of("urls", down + ", " + genesis.url())));

        Conditions.await("peers offered", QUICKLY, () -> node.network.offers.size() >= 3);
        assertTrue(client.status().lastResult().contains(genesis.url()), client.status().lastResult());
        Conditions.await("registered with the second", QUICKLY, () -> genesis.verifiedRegistrations() >= 1);
        assertEquals(List.of(down, genesis.url()), client.status().urls());
        assertEquals(0, client.status().refusedAnswers(), "a URL that is down is a failure, not a refusal");
    }

    @Test
    void anErrorStatusMovesToTheNextUrl() throws Exception {
        FakeGenesis broken = node.genesis();
        broken.responder = request -> broken.error(503, "unavailable", "down for maintenance", request.nonce());
        FakeGenesis genesis = node.genesis();
        node.client(Configs.fast(Map.of("urls", broken.url() + "," + genesis.url())));

        Conditions.await("peers offered", QUICKLY, () -> node.network.offers.size() >= 3);
        assertEquals(1, broken.requests("GET").size());
    }

    @Test
    void backoffGrowsAndIsCapped() throws Exception {
        FakeGenesis genesis = node.genesis();
        genesis.responder = request -> genesis.error(503, "unavailable", "down", request.nonce());
        ClientSettings settings = Configs.timings(ClientSettings.from(Configs.config(Map.of("urls", genesis.url()))),
                Configs.ANNOUNCE, Duration.ofMillis(100), Duration.ofMillis(400), Configs.JOIN_WAIT);
        GenesisClientService client = node.client(settings);

        Conditions.await("7 attempts", Duration.ofSeconds(10), () -> genesis.requests.size() >= 7);
        List<FakeGenesis.Request> requests = genesis.requests;
        long[] gaps = new long[6];
        for (int i = 0; i < gaps.length; i++) {
            gaps[i] = (requests.get(i + 1).atNanos() - requests.get(i).atNanos()) / 1_000_000;
        }
        // expected 100, 200, 400, 400, 400, 400 ms, each -20 % (the cap is never exceeded by jitter)
        assertTrue(gaps[0] >= 80 && gaps[0] < 300, "first gap " + gaps[0]);
        assertTrue(gaps[1] >= 160, "second gap " + gaps[1]);
        for (int i = 2; i < gaps.length; i++) {
            assertTrue(gaps[i] >= 320, "gap " + i + " grows to the cap: " + gaps[i]);
            assertTrue(gaps[i] < 400 + 250, "gap " + i + " stays at the cap: " + gaps[i]);
        }
        assertTrue(client.status().lastResult().contains("HTTP 503: unavailable (down)"), client.status().lastResult());
        assertTrue(client.status().lastSuccess().isEmpty());
        assertEquals(0, node.network.offers.size());
    }

    @Test
    void tooManyRequestsRetryAfterIsHonoured() throws Exception {
        FakeGenesis genesis = node.genesis();
        genesis.responder = request -> {
            if (genesis.requests.size() == 1) {
                FakeGenesis.Reply limited = genesis.error(429, "rate_limited", "slow down", request.nonce());
                return new FakeGenesis.Reply(429, Map.of("Retry-After", "1"), limited.body());
            }
            return genesis.standard(request);
        };
        GenesisClientService client = node.client(Configs.fast(Map.of("urls", genesis.url())));

        Conditions.await("asked to wait, next attempt scheduled", QUICKLY, () -> {
            BootstrapStatus s = client.status();
            return s.lastResult().contains("HTTP 429") && s.nextAttempt().isPresent()
                    && s.nextAttempt().get().isAfter(s.lastAttempt().orElseThrow());
        });
        BootstrapStatus waiting = client.status();
        assertTrue(waiting.nextAttempt().orElseThrow().isAfter(waiting.lastAttempt().orElseThrow()
                .plusMillis(900)), "the next attempt is after Retry-After, not after the 50 ms backoff: " + waiting);
        Conditions.await("peers offered", QUICKLY, () -> node.network.offers.size() >= 3);
        long gap = (genesis.requests.get(1).atNanos() - genesis.requests.get(0).atNanos()) / 1_000_000;
        assertTrue(gap >= 950, "second request " + gap + " ms after the 429");
    }

    @Test
    void bootstrapNowAsksAgainAtOnce() throws Exception {
        FakeGenesis genesis = node.genesis();
        // long renewal period: only bootstrapNow makes a second GET
        ClientSettings settings = Configs.timings(ClientSettings.from(Configs.config(Map.of("urls", genesis.url()))),
                Duration.ofSeconds(60), Configs.RETRY_MIN, Configs.RETRY_MAX, Configs.JOIN_WAIT);
        GenesisClientService client = node.client(settings);
        Conditions.await("registered", QUICKLY, () -> genesis.verifiedRegistrations() == 1);

        client.bootstrapNow();

        Conditions.await("asked again", QUICKLY, () -> genesis.requests("GET").size() == 2);
        Conditions.await("registered again", QUICKLY, () -> genesis.verifiedRegistrations() == 2);
        Conditions.await("renewing", QUICKLY, () -> client.phase() == GenesisClientService.Phase.RENEW);
        assertEquals(2, genesis.requests("GET").size(), "one ask per bootstrap");
    }

    @Test
    void withoutAListenPortItAsksButDoesNotRegister() throws Exception {
        FakeGenesis genesis = node.genesis();
        node.network.listenPort = 0;
        GenesisClientService client = node.client(Configs.fast(Map.of("urls", genesis.url())));

        Harness.awaitResult(client, "not listening");
        assertEquals(3, node.network.offers.size());
        assertTrue(genesis.requests("POST").isEmpty());
    }

    @Test
    void withoutUrlItStaysIdle() {
        GenesisClientService client = node.client(Configs.fast(Map.of()));

        BootstrapStatus status = client.status();
        assertFalse(status.running());
        assertTrue(status.lastResult().contains("no genesis URL"), status.lastResult());
        assertTrue(status.nextAttempt().isEmpty());
        assertTrue(status.urls().isEmpty());
        client.bootstrapNow(); // nothing to do, nothing thrown
        assertFalse(client.status().running());
    }
}
