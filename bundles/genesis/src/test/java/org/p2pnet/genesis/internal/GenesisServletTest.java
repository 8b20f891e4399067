package org.p2pnet.genesis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.genesis.GenesisRegistration;
import org.p2pnet.api.genesis.GenesisStatus;
import org.p2pnet.api.genesis.GenesisWire;
import org.p2pnet.testing.KeySigner;

/** Every endpoint and every refusal of docs/GENESIS.md, through the servlet (trustless mode). */
class GenesisServletTest {
    private Harness harness;

    @AfterEach
    void close() {
        if (harness != null) {
            harness.close();
        }
    }

    private Harness harness(Map<String, Object> config) {
        harness = new Harness(config);
        return harness;
    }

    // ------------------------------------------------------------------ answers

    @Test
    void registrationAnswersASampleOfOthersWithTheObservedAddress() {
        Harness h = harness(Map.of());
        KeySigner a = new KeySigner();
        KeySigner b = new KeySigner();
        KeySigner c = new KeySigner();
        assertEquals(200, h.register(a, "198.51.100.1", 7001).status);
        assertEquals(200, h.register(b, "198.51.100.2", 7002).status);
        FakeHttp.Request request = FakeHttp.Request.post(Harness.json(
                Harness.registration(c, Harness.NETWORK, 7003, h.time.millis(), 8, Harness.NONCE))).from("203.0.113.7");
        request.remotePort = 51234;
        FakeHttp.Response response = h.call(request);

        assertEquals(200, response.status);
        assertEquals("application/json", response.contentType);
        assertEquals(response.bytes().length, response.contentLength);
        assertNull(response.headers.get(GenesisWire.SIGNATURE_HEADER), "trustless answers are unsigned");
        JsonNode answer = response.json();
        assertEquals(1, answer.get("v").intValue());
        assertEquals("trustless", answer.get("mode").textValue());
        assertEquals(Harness.START, answer.get("ts").longValue());
        assertEquals(Harness.NONCE, answer.get("nonce").textValue());
        assertEquals("203.0.113.7", answer.at("/observed/host").textValue());
        assertEquals(51234, answer.at("/observed/port").intValue());
        assertEquals(h.genesisKey.peerId().value(), answer.at("/genesis/id").textValue());
        assertEquals(Harness.GENESIS_PORT, answer.at("/genesis/port").intValue());
        assertEquals(600, answer.get("ttlSeconds").intValue());
        Map<String, String> peers = new LinkedHashMap<>();
        answer.get("peers").forEach(p -> peers.put(p.get("id").textValue(), p.get("host").textValue() + ":" + p.get("port").intValue()));
        assertEquals(Map.of(a.peerId().value(), "198.51.100.1:7001", b.peerId().value(), "198.51.100.2:7002"), peers,
                "the others, at their observed hosts and announced ports; never the caller");

        List<GenesisRegistration> registrations = h.service.registrations();
        assertEquals(3, registrations.size());
        assertEquals(c.peerId(), registrations.get(0).peerId(), "most recently seen first");
        assertEquals("203.0.113.7", registrations.get(0).address().host());
        assertEquals(7003, registrations.get(0).address().port());
    }

    @Test
    void registrationWithoutCountOrNonceUsesTheDefaultsAndEchoesNull() {
        Harness h = harness(Map.of("defaultCount", 2));
        for (int i = 0; i < 5; i++) {
            h.register(new KeySigner(), "198.51.100." + (i + 1), 7000);
        }
        Map<String, Object> body = Harness.registration(new KeySigner(), Harness.NETWORK, 7000, h.time.millis(), null, null);
        JsonNode answer = h.call(FakeHttp.Request.post(Harness.json(body))).json();
        assertTrue(answer.get("nonce").isNull());
        assertEquals(2, answer.get("peers").size());
        // count 0: register only
        JsonNode registerOnly = h.call(FakeHttp.Request.post(Harness.json(
                Harness.registration(new KeySigner(), Harness.NETWORK, 7000, h.time.millis(), 0, null)))).json();
        assertEquals(0, registerOnly.get("peers").size());
        assertEquals(7, h.service.status().registrations());
    }

    @Test
    void getPeersSamplesWithoutRegistering() {
        Harness h = harness(Map.of("maxCount", 10));
        KeySigner excluded = new KeySigner();
        h.register(excluded, "198.51.100.1", 7000);
        for (int i = 0; i < 20; i++) {
            h.register(new KeySigner(), "198.51.100." + (i + 2), 7000);
        }
        JsonNode answer = h.call(FakeHttp.Request.get("/peers", "count=5&nonce=" + Harness.NONCE)).json();
        assertEquals(5, answer.get("peers").size());
        assertEquals(Harness.NONCE, answer.get("nonce").textValue());
        assertFalse(answer.has("observed"));
        assertEquals(Harness.GENESIS_PORT, answer.at("/genesis/port").intValue());
        assertEquals(8, h.call(FakeHttp.Request.get("/peers", null)).json().get("peers").size(), "default count");
        assertEquals(10, h.call(FakeHttp.Request.get("/peers", "count=64")).json().get("peers").size(), "capped by maxCount");
        assertEquals(8, h.call(FakeHttp.Request.get("/peers", "net=p2pnet&unknown=1")).json().get("peers").size());
        for (int i = 0; i < 50; i++) {
            JsonNode peers = h.call(FakeHttp.Request.get("/peers", "count=10&exclude=" + excluded.peerId().value()))
                    .json().get("peers");
            peers.forEach(p -> assertFalse(p.get("id").textValue().equals(excluded.peerId().value())));
        }
        assertEquals(21, h.service.status().registrations());
        // a genesis node that is not listening says so
        h.network.listenPort = 0;
        assertTrue(h.call(FakeHttp.Request.get("/peers", null)).json().get("genesis").isNull());
    }

    @Test
    void whoamiHealthAndDashboard() {
        Harness h = harness(Map.of());
        FakeHttp.Request who = FakeHttp.Request.get("/whoami", "nonce=" + Harness.NONCE).from("203.0.113.9");
        who.remotePort = 4444;
        JsonNode me = h.call(who).json();
        assertEquals("203.0.113.9", me.get("host").textValue());
        assertEquals(4444, me.get("port").intValue());
        assertEquals(Harness.NONCE, me.get("nonce").textValue());
        assertEquals("trustless", me.get("mode").textValue());

        FakeHttp.Response health = h.call(FakeHttp.Request.get("/health", null));
        assertEquals(200, health.status);
        assertEquals("{\"v\":1,\"ok\":true}", health.text());

        h.register(new KeySigner(), "198.51.100.1", 7000);
        for (String path : new String[] {"/", null}) {
            FakeHttp.Response page = h.call(FakeHttp.Request.get(path, null));
            assertEquals(200, page.status);
            assertEquals("text/html; charset=utf-8", page.contentType);
            assertTrue(page.text().contains("<meta http-equiv=\"refresh\" content=\"5\">"));
            assertTrue(page.text().contains("198.51.100.1:7000"));
            assertTrue(page.headers.get("Content-Security-Policy").contains("default-src 'none'"));
        }
    }

    @Test
    void theDashboardEscapesEveryValue() {
        harness = new Harness(Map.of(), "<script>alert('x')</script>&\"");
        String html = harness.call(FakeHttp.Request.get("/", null)).text();
        assertFalse(html.contains("<script>"), html);
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"), html);
    }

    @Test
    void countersCountRequestsByEndpointAndRejectionsByCode() {
        Harness h = harness(Map.of());
        h.register(new KeySigner(), "198.51.100.1", 7000);
        h.call(FakeHttp.Request.get("/peers", "count=0"));
        h.call(FakeHttp.Request.get("/nothing", null));
        h.call(FakeHttp.Request.get("/peers", null));
        GenesisStatus status = h.service.status();
        assertEquals(Map.of("POST /peers 200", 1L, "GET /peers 400", 1L, "GET (other) 404", 1L, "GET /peers 200", 1L),
                status.requests());
        assertEquals(Map.of("bad_count", 1L, "not_found", 1L), status.rejections());
        assertEquals(h.genesisKey.peerId().value(), status.authorityKeyId());
        assertEquals(Harness.NETWORK, status.networkName());
    }

    // ------------------------------------------------------------------ refusals of POST /peers

    @Test
    void malformedBodiesAreRefusedNamingTheProblem() {
        Harness h = harness(Map.of());
        KeySigner node = new KeySigner();
        Map<String, Object> good = Harness.registration(node, Harness.NETWORK, 7000, h.time.millis(), 8, Harness.NONCE);
        String goodJson = new String(Harness.json(good), StandardCharsets.UTF_8);

        assertRefused(h, raw("{\"v\":1,"), 400, "malformed", "not JSON");
        assertRefused(h, raw(""), 400, "malformed", "not one JSON object");
        assertRefused(h, raw("[1,2]"), 400, "malformed", "not one JSON object");
        assertRefused(h, raw("\"text\""), 400, "malformed", "not one JSON object");
        assertRefused(h, raw(goodJson + " {}"), 400, "malformed", "not JSON");
        assertRefused(h, raw(goodJson.replace("{\"v\":1,", "{\"v\":1,\"v\":1,")), 400, "malformed", "not JSON");
        assertRefused(h, changed(good, b -> b.put("port", "7000")), 400, "malformed", "port must be an integer 1-65535");
        assertRefused(h, changed(good, b -> b.put("port", 70000)), 400, "malformed", "port must be an integer 1-65535");
        assertRefused(h, changed(good, b -> b.put("port", 7000.0)), 400, "malformed", "port");
        assertRefused(h, changed(good, b -> b.put("v", 1.0)), 400, "malformed", "v is missing or not an integer");
        assertRefused(h, changed(good, b -> b.remove("v")), 400, "malformed", "v is missing");
        assertRefused(h, changed(good, b -> b.remove("sig")), 400, "malformed", "sig is missing");
        assertRefused(h, changed(good, b -> b.remove("ts")), 400, "malformed", "ts is missing");
        assertRefused(h, changed(good, b -> b.put("ts", "1795000000000")), 400, "malformed", "ts must be an integer");
        assertRefused(h, changed(good, b -> b.put("net", 5)), 400, "malformed", "net is not a string");
        assertRefused(h, changed(good, b -> b.put("net", "")), 400, "malformed", "net must be 1-128 characters");
        assertRefused(h, changed(good, b -> b.put("id", node.peerId().value().toUpperCase())), 400, "malformed",
                "id is not 64 lowercase hex digits");
        assertRefused(h, changed(good, b -> b.put("id", "abc")), 400, "malformed", "id must be 64 characters");
        assertRefused(h, changed(good, b -> b.put("key", "not base64!")), 400, "malformed", "key is not base64");
        assertRefused(h, changed(good, b -> b.put("sig", "x".repeat(129))), 400, "malformed", "sig must be 4-128");
        assertRefused(h, changed(good, b -> b.put("nonce", "short")), 400, "malformed", "nonce must be 16-64 characters");
        assertRefused(h, changed(good, b -> b.put("nonce", "with spaces in the nonce")), 400, "malformed", "nonce");
        assertRefused(h, changed(good, b -> b.put("nested", Map.of("a", Map.of("b", 1)))), 400, "malformed", "not JSON");
        assertRefused(h, changed(good, b -> {
            for (int i = 0; i < 10; i++) {
                b.put("extra" + i, i);
            }
        }), 400, "malformed", "more than 16 fields");
        assertTrue(h.service.registrations().isEmpty());
        assertEquals(Map.of("malformed", 24L), h.service.status().rejections());
    }

    @Test
    void eachProtocolCheckHasItsCode() {
        Harness h = harness(Map.of());
        KeySigner node = new KeySigner();
        long now = h.time.millis();
        Map<String, Object> good = Harness.registration(node, Harness.NETWORK, 7000, now, 8, Harness.NONCE);

        FakeHttp.Response version = assertRefused(h, changed(good, b -> b.put("v", 2)), 400, "version", "v is 2");
        assertTrue(version.json().get("nonce").isNull(), "v is checked before the nonce is read");
        FakeHttp.Response other = assertRefused(h, body(Harness.registration(node, "other", 7000, now, 8, Harness.NONCE)),
                400, "other_network", "net 'other'");
        assertEquals(Harness.NONCE, other.json().get("nonce").textValue(), "refusals echo a well-formed nonce");
        assertRefused(h, changed(good, b -> b.put("id", new KeySigner().peerId().value())), 400, "key_mismatch",
                "is not the SHA-256 of key");
        assertRefused(h, changed(good, b -> b.put("port", 7001)), 400, "bad_signature", "sig does not verify");
        assertRefused(h, changed(good, b -> b.put("count", 7)), 400, "bad_signature", "sig does not verify");
        assertRefused(h, changed(good, b -> b.remove("nonce")), 400, "bad_signature", "sig does not verify");
        KeySigner impostor = new KeySigner();
        assertRefused(h, changed(good, b -> b.put("sig", Harness.registration(impostor, Harness.NETWORK, 7000, now, 8,
                Harness.NONCE).get("sig"))), 400, "bad_signature", "sig does not verify");
        assertRefused(h, body(Harness.registration(node, Harness.NETWORK, 7000, now - 300_001, 8, Harness.NONCE)), 400,
                "stale", "ts is -300001 ms from");
        assertRefused(h, body(Harness.registration(node, Harness.NETWORK, 7000, now + 300_001, 8, Harness.NONCE)), 400,
                "stale", "the window is ±300000 ms");
        assertEquals(200, h.call(FakeHttp.Request.post(Harness.json(
                Harness.registration(node, Harness.NETWORK, 7000, now - 300_000, 8, Harness.NONCE)))).status,
                "the window's edge is inside");
        assertRefused(h, body(Harness.registration(node, Harness.NETWORK, 7000, now, 65, Harness.NONCE)), 400,
                "bad_count", "count must be an integer 0-64");
        assertRefused(h, body(Harness.registration(node, Harness.NETWORK, 7000, now, -1, Harness.NONCE)), 400,
                "bad_count", "count must be an integer 0-64");
        assertRefused(h, changed(good, b -> b.put("count", "8")), 400, "bad_count", "count must be an integer");
        assertRefused(h, changed(good, b -> b.put("count", 8.5)), 400, "bad_count", "count must be an integer");
    }

    @Test
    void mediaTypeAndSizeAreCheckedBeforeTheBodyIsParsed() {
        Harness h = harness(Map.of("maxBodyBytes", 1024));
        byte[] good = Harness.json(Harness.registration(new KeySigner(), Harness.NETWORK, 7000, h.time.millis(), 8, null));

        for (String type : new String[] {null, "text/plain", "application/x-www-form-urlencoded", "application/jsonx",
                "application/json; charset=iso-8859-1"}) {
            FakeHttp.Request request = FakeHttp.Request.post(good);
            request.contentType = type;
            FakeHttp.Response response = h.call(request);
            assertEquals(415, response.status, String.valueOf(type));
            assertEquals("unsupported_media_type", response.error());
            assertEquals(0, request.bytesRead, "the body is not read");
        }
        FakeHttp.Request utf8 = FakeHttp.Request.post(good);
        utf8.contentType = "Application/JSON; charset=\"UTF-8\"";
        assertEquals(200, h.call(utf8).status);

        // by Content-Length: refused without reading a byte
        FakeHttp.Request declared = FakeHttp.Request.post(new byte[5000]);
        FakeHttp.Response byLength = h.call(declared);
        assertEquals(413, byLength.status);
        assertEquals("too_large", byLength.error());
        assertTrue(byLength.json().get("message").textValue().contains("Content-Length is 5000 bytes; the limit is 1024"));
        assertEquals(0, declared.bytesRead);

        // streamed (no Content-Length): read up to one byte past the limit, then refused
        byte[] big = new byte[100_000];
        Arrays.fill(big, (byte) ' ');
        FakeHttp.Request streamed = FakeHttp.Request.post(big);
        streamed.contentLength = -1;
        FakeHttp.Response byStream = h.call(streamed);
        assertEquals(413, byStream.status);
        assertEquals("too_large", byStream.error());
        assertEquals(1025, streamed.bytesRead, "never more than maxBodyBytes + 1");

        // exactly the limit is fine (JSON padded with spaces to 1024 bytes)
        byte[] exact = Arrays.copyOf(good, 1024);
        Arrays.fill(exact, good.length, 1024, (byte) ' ');
        FakeHttp.Request atLimit = FakeHttp.Request.post(exact);
        atLimit.contentLength = -1;
        assertEquals(200, h.call(atLimit).status);
        assertEquals(Map.of("unsupported_media_type", 5L, "too_large", 2L), h.service.status().rejections());
    }

    // ------------------------------------------------------------------ refusals of the GET endpoints, paths, methods

    @Test
    void queryProblemsAreRefused() {
        Harness h = harness(Map.of());
        for (String count : new String[] {"0", "65", "-1", "+8", "abc", "", "8.0", "99999999999"}) {
            FakeHttp.Response response = h.call(FakeHttp.Request.get("/peers", "count=" + count + "&nonce=" + Harness.NONCE));
            assertEquals(400, response.status, count);
            assertEquals("bad_count", response.error(), count);
            assertEquals(Harness.NONCE, response.json().get("nonce").textValue());
        }
        assertEquals("other_network", h.call(FakeHttp.Request.get("/peers", "net=elsewhere")).error());
        assertEquals("malformed", h.call(FakeHttp.Request.get("/peers", "exclude=zz")).error());
        assertEquals("malformed", h.call(FakeHttp.Request.get("/peers", "count=1&count=2")).error());
        assertEquals("malformed", h.call(FakeHttp.Request.get("/peers", "nonce=%zz")).error());
        assertEquals("malformed", h.call(FakeHttp.Request.get("/peers", "nonce=tooshort")).error());
        assertEquals("malformed", h.call(FakeHttp.Request.get("/whoami", "nonce=has%20a%20space%20inside!!")).error());
        assertEquals("malformed", h.call(FakeHttp.Request.get("/peers", "x=" + "a".repeat(3000))).error());
        assertEquals(200, h.call(FakeHttp.Request.get("/peers", "count=1&exclude=" + "AB".repeat(32))).status,
                "exclude is a peer id, any case");
    }

    @Test
    void otherPathsAre404AndOtherMethods405WithAllow() {
        Harness h = harness(Map.of());
        for (String path : new String[] {"/nope", "/peers/", "/PEERS", "/whoami/x", "//peers"}) {
            FakeHttp.Response response = h.call(FakeHttp.Request.get(path, null));
            assertEquals(404, response.status, path);
            assertEquals("not_found", response.error());
        }
        FakeHttp.Request postElsewhere = FakeHttp.Request.post(new byte[10]);
        postElsewhere.pathInfo = "/register";
        assertEquals(404, h.call(postElsewhere).status);

        assertMethodRefused(h, "DELETE", "/peers", "GET, POST");
        assertMethodRefused(h, "PUT", "/peers", "GET, POST");
        assertMethodRefused(h, "POST", "/whoami", "GET");
        assertMethodRefused(h, "HEAD", "/health", "GET");
        assertMethodRefused(h, "OPTIONS", "/", "GET");
        assertMethodRefused(h, "BREW", "/peers", "GET, POST");
        assertEquals(1L, h.service.status().requests().get("OTHER /peers 405"), "unknown methods are counted as OTHER");
    }

    @Test
    void aSourceOverItsBucketGets429WithRetryAfter() {
        Harness h = harness(Map.of("rateLimitPerSecond", 1, "rateLimitBurst", 2));
        assertEquals(200, h.call(FakeHttp.Request.get("/peers", null)).status);
        assertEquals(200, h.call(FakeHttp.Request.get("/whoami", null)).status);
        FakeHttp.Response limited = h.call(FakeHttp.Request.get("/peers", "nonce=" + Harness.NONCE));
        assertEquals(429, limited.status);
        assertEquals("rate_limited", limited.error());
        assertEquals("1", limited.headers.get("Retry-After"));
        assertEquals(1, limited.json().get("retryAfterSeconds").intValue());
        assertEquals(Harness.NONCE, limited.json().get("nonce").textValue());
        assertEquals(200, h.call(FakeHttp.Request.get("/peers", null).from("198.51.100.99")).status,
                "other sources are not affected");
        // a limited POST does not register
        FakeHttp.Response post = h.register(new KeySigner(), FakeHttp.Request.get("/", null).remoteAddr, 7000);
        assertEquals(429, post.status);
        assertTrue(h.service.registrations().isEmpty());
        h.time.advanceMillis(1000);
        assertEquals(200, h.call(FakeHttp.Request.get("/peers", null)).status, "a token is back after a second");
        assertEquals(429, h.call(FakeHttp.Request.get("/peers", null)).status);
    }

    @Test
    void aRefusedRegistrationChangesNoRegistration() {
        Harness h = harness(Map.of("maxBodyBytes", 1024));
        KeySigner node = new KeySigner();
        assertEquals(200, h.register(node, "198.51.100.1", 7000).status);
        List<GenesisRegistration> before = h.service.registrations();
        h.time.advanceMillis(5000);
        long now = h.time.millis();
        // the same node trying to move to another port and address, in every refused way
        Map<String, Object> moved = Harness.registration(node, Harness.NETWORK, 7999, now, 8, Harness.NONCE);
        String source = "203.0.113.50";
        List<FakeHttp.Request> refused = List.of(
                changed(moved, b -> b.put("sig", Harness.registration(new KeySigner(), Harness.NETWORK, 7999, now, 8,
                        Harness.NONCE).get("sig"))),
                changed(moved, b -> b.put("port", 7998)),
                body(Harness.registration(node, Harness.NETWORK, 7999, now - 400_000, 8, Harness.NONCE)),
                body(Harness.registration(node, "other", 7999, now, 8, Harness.NONCE)),
                changed(moved, b -> b.put("v", 2)),
                changed(moved, b -> b.put("count", 99)),
                changed(moved, b -> b.put("id", new KeySigner().peerId().value())),
                raw("{\"v\":1"),
                withType(body(moved), "text/plain"),
                FakeHttp.Request.post(new byte[2000]));
        for (FakeHttp.Request request : refused) {
            FakeHttp.Response response = h.call(request.from(source));
            assertTrue(response.status >= 400, response.text());
            assertEquals(before, h.service.registrations(), "after " + response.text());
        }
        assertEquals(1, h.service.status().registrations());
        assertEquals(10, h.service.status().rejections().values().stream().mapToLong(Long::longValue).sum());
    }

    // ------------------------------------------------------------------ X-Forwarded-For

    @Test
    void forwardedForIsBelievedOnlyFromTrustedProxies() {
        Harness h = harness(Map.of("trustedProxies", "10.0.0.1, 10.0.0.2,2001:db8::99"));
        // not from a proxy: the header is ignored
        JsonNode direct = h.call(FakeHttp.Request.get("/whoami", null).from("198.51.100.7")
                .header("X-Forwarded-For", "203.0.113.1")).json();
        assertEquals("198.51.100.7", direct.get("host").textValue());
        // from a proxy: the right-most address that is not a trusted proxy; the client's own claims are left of it
        FakeHttp.Request chained = FakeHttp.Request.get("/whoami", null).from("10.0.0.1")
                .header("X-Forwarded-For", "192.0.2.66, 203.0.113.7")
                .header("X-Forwarded-For", "10.0.0.2");
        JsonNode viaProxies = h.call(chained).json();
        assertEquals("203.0.113.7", viaProxies.get("host").textValue());
        assertEquals(0, viaProxies.get("port").intValue(), "the client's port is unknown behind a proxy");
        // every entry a proxy: the left-most
        assertEquals("10.0.0.2", h.call(FakeHttp.Request.get("/whoami", null).from("10.0.0.1")
                .header("X-Forwarded-For", "10.0.0.2")).json().get("host").textValue());
        // no header: the proxy itself
        assertEquals("10.0.0.1", h.call(FakeHttp.Request.get("/whoami", null).from("10.0.0.1")).json().get("host").textValue());
        // IPv6 literals, with brackets and ports as some proxies write them, from an IPv6 proxy
        assertEquals("2001:db8:0:0:0:0:0:1", h.call(FakeHttp.Request.get("/whoami", null).from("2001:db8:0:0:0:0:0:99")
                .header("X-Forwarded-For", "[2001:db8::1]:4711")).json().get("host").textValue());
        assertEquals("203.0.113.8", h.call(FakeHttp.Request.get("/whoami", null).from("10.0.0.1")
                .header("X-Forwarded-For", "203.0.113.8:5555")).json().get("host").textValue());
        // a name is never resolved: refused
        for (String bad : new String[] {"genesis.example.org", "unknown", "", "203.0.113.7:port", "1.2.3.4.5"}) {
            FakeHttp.Response response = h.call(FakeHttp.Request.get("/whoami", null).from("10.0.0.1")
                    .header("X-Forwarded-For", bad));
            assertEquals(400, response.status, bad);
            assertEquals("malformed", response.error());
            assertTrue(response.json().get("message").textValue().contains("X-Forwarded-For"));
        }

        // a registration through the proxy is recorded at the forwarded address
        KeySigner node = new KeySigner();
        FakeHttp.Response registered = h.call(FakeHttp.Request.post(Harness.json(Harness.registration(node,
                Harness.NETWORK, 7000, h.time.millis(), 8, null))).from("10.0.0.2").header("X-Forwarded-For", "203.0.113.20"));
        assertEquals(200, registered.status);
        assertEquals("203.0.113.20", registered.json().at("/observed/host").textValue());
        assertEquals("203.0.113.20", h.service.registrations().get(0).address().host());
        // and a refused forwarded address registers nothing
        assertEquals(400, h.call(FakeHttp.Request.post(Harness.json(Harness.registration(new KeySigner(),
                Harness.NETWORK, 7000, h.time.millis(), 8, null))).from("10.0.0.2").header("X-Forwarded-For", "evil.example"))
                .status);
        assertEquals(1, h.service.registrations().size());
    }

    @Test
    void rateLimitAppliesToTheForwardedClient() {
        Harness h = harness(Map.of("trustedProxies", "10.0.0.1", "rateLimitPerSecond", 1, "rateLimitBurst", 1));
        assertEquals(200, h.call(FakeHttp.Request.get("/whoami", null).from("10.0.0.1").header("X-Forwarded-For", "203.0.113.1")).status);
        assertEquals(200, h.call(FakeHttp.Request.get("/whoami", null).from("10.0.0.1").header("X-Forwarded-For", "203.0.113.2")).status);
        assertEquals(429, h.call(FakeHttp.Request.get("/whoami", null).from("10.0.0.1").header("X-Forwarded-For", "203.0.113.1")).status);
    }

    // ------------------------------------------------------------------ helpers

    private static FakeHttp.Response assertRefused(Harness h, FakeHttp.Request request, int status, String code,
                                                   String messagePart) {
        FakeHttp.Response response = h.call(request);
        assertEquals(status, response.status, response.text());
        JsonNode error = response.json();
        assertEquals(code, error.get("error").textValue(), response.text());
        assertTrue(error.get("message").textValue().contains(messagePart), response.text());
        assertEquals(1, error.get("v").intValue());
        assertEquals("trustless", error.get("mode").textValue());
        assertTrue(error.get("ts").isIntegralNumber());
        assertTrue(error.has("nonce"));
        assertEquals(response.bytes().length, response.contentLength);
        return response;
    }

    private static void assertMethodRefused(Harness h, String method, String path, String allow) {
        FakeHttp.Request request = FakeHttp.Request.get(path, null);
        request.method = method;
        FakeHttp.Response response = h.call(request);
        assertEquals(405, response.status, method + " " + path);
        assertEquals("method_not_allowed", response.error());
        assertEquals(allow, response.headers.get("Allow"));
    }

    private static FakeHttp.Request raw(String json) {
        return FakeHttp.Request.post(json.getBytes(StandardCharsets.UTF_8));
    }

    private static FakeHttp.Request body(Map<String, Object> body) {
        return FakeHttp.Request.post(Harness.json(body));
    }

    private static FakeHttp.Request post(byte[] bytes) {
        return FakeHttp.Request.post(bytes);
    }

    private static FakeHttp.Request withType(FakeHttp.Request request, String type) {
        request.contentType = type;
        return request;
    }

    private static FakeHttp.Request changed(Map<String, Object> good, Consumer<Map<String, Object>> change) {
        Map<String, Object> copy = new LinkedHashMap<>(good);
        change.accept(copy);
        return body(copy);
    }
}
