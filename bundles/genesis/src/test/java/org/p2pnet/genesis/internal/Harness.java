package org.p2pnet.genesis.internal;

import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.servlet.Servlet;
import javax.servlet.ServletException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.p2pnet.api.genesis.GenesisWire;
import org.p2pnet.testing.KeySigner;

/**
 * A genesis server as the tests drive it: the real service (settings, registry, protocol,
 * servlet; its timer's work done by calling tick()) on a fake core and a clock the test moves, requests through the servlet with
 * {@link FakeHttp}. Close it after each test.
 */
final class Harness implements AutoCloseable {
    static final String NETWORK = "p2pnet";
    static final int GENESIS_PORT = 7700;
    static final long START = 1_795_000_000_000L;
    static final String NONCE = "n0nce-0123456789_abcdef";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    final TestTime time = new TestTime(START);
    final KeySigner genesisKey = new KeySigner();
    final FakeNetwork network;
    final GenesisService service;

    /** The defaults, but no rate limit unless the test sets one (tests send many requests from one address). */
    Harness(Map<String, Object> config) {
        this(config, NETWORK);
    }

    Harness(Map<String, Object> config, String networkName) {
        network = new FakeNetwork(genesisKey, networkName, GENESIS_PORT);
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("rateLimitPerSecond", 0);
        values.putAll(config);
        // no timer thread: the tests call tick() when they mean it, on the clock they move
        service = new GenesisService(Configs.settings(values), network, genesisKey, time, time::nanos, false);
    }

    Harness() {
        this(Map.of());
    }

    FakeHttp.Response call(FakeHttp.Request request) {
        FakeHttp.Response response = new FakeHttp.Response();
        try {
            // the container's entry point, Servlet.service(ServletRequest, ServletResponse)
            Servlet servlet = service.servlet();
            servlet.service(request.proxy(), response.proxy());
        } catch (IOException | ServletException e) {
            throw new AssertionError(e);
        }
        return response;
    }

    /** Registers {@code node} from {@code source} with a valid signed body; the answer. */
    FakeHttp.Response register(KeySigner node, String source, int port) {
        return call(FakeHttp.Request.post(json(registration(node, NETWORK, port, time.millis(), 8, NONCE)))
                .from(source));
    }

    /**
     * A correctly signed registration body, field by field, for tests to send as is or to spoil.
     *
     * @param count null leaves the field out (the signature then covers the protocol default, 8)
     * @param nonce null leaves the field out
     */
    static Map<String, Object> registration(KeySigner node, String net, int port, long ts, Integer count,
                                            String nonce) {
        byte[] key = node.publicKey();
        String id = node.peerId().value();
        byte[] canonical = GenesisWire.registrationCanonicalBytes(GenesisWire.VERSION, net, id, key, port, ts,
                count == null ? 8 : count, nonce);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("v", 1);
        body.put("net", net);
        body.put("id", id);
        body.put("key", Base64.getEncoder().encodeToString(key));
        body.put("port", port);
        body.put("ts", ts);
        if (count != null) {
            body.put("count", count);
        }
        if (nonce != null) {
            body.put("nonce", nonce);
        }
        body.put("sig", Base64.getEncoder().encodeToString(node.sign(canonical)));
        return body;
    }

    static byte[] json(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        service.deactivate();
    }
}
