package org.p2pnet.discovery.genesis.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.p2pnet.api.NodeSigner;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.genesis.GenesisWire;
import org.p2pnet.testing.KeySigner;

/**
 * A genesis node on 127.0.0.1 (never any other address) answering {@code GET} and {@code POST
 * /p2pnet/genesis/peers} as docs/GENESIS.md says: in authority mode every answer, errors included,
 * is signed with {@link #key}. A registration is checked like the real server does (id derived from
 * the key, signature over the canonical bytes) and recorded. Tests change an answer by setting
 * {@link #responder}, usually starting from {@link #standardJson} and {@link #reply(Map)}.
 */
final class FakeGenesis implements AutoCloseable {
    /** One request as received. */
    record Request(String method, URI uri, Map<String, String> query, byte[] body, long atNanos) {
        String nonce() {
            return method.equals("POST") ? bodyJson().path("nonce").asText(null) : query.get("nonce");
        }

        JsonNode bodyJson() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("request body is not JSON", e);
            }
        }
    }

    /** What to send back. */
    record Reply(int status, Map<String, String> headers, byte[] body) {
        /** The same reply with the body's first {@code from} replaced by {@code to}: an alteration in transit. */
        Reply altered(String from, String to) {
            String text = new String(body, StandardCharsets.UTF_8);
            if (!text.contains(from)) {
                throw new AssertionError("'" + from + "' is not in " + text);
            }
            return new Reply(status, headers, text.replaceFirst(java.util.regex.Pattern.quote(from), to)
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Answers a request. */
    interface Responder {
        Reply reply(Request request) throws Exception;
    }

    /** One POST, and whether its registration checked out. */
    record Registration(JsonNode body, boolean verified) {
    }

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final int GENESIS_PORT = 7777;

    /** The authority key (the genesis node key); a test may swap it. */
    volatile KeySigner key = new KeySigner();
    final HttpServer server;
    private final ExecutorService executor;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final List<Registration> registrations = new CopyOnWriteArrayList<>();
    /** Signs every answer (authority mode). */
    volatile boolean authority;
    /** The sample handed out. */
    volatile List<Map<String, Object>> peers = samplePeers(5);
    volatile Responder responder = this::standard;
    /** Sends bodies chunked, without Content-Length. */
    volatile boolean chunked;

    FakeGenesis() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newFixedThreadPool(4, task -> {
            Thread thread = new Thread(task, "fake-genesis");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext(GenesisWire.BASE_PATH, this::handle);
        server.start();
    }

    /** Entries of a sample: distinct fresh ids on 127.0.0.1 (nothing dials them). */
    static List<Map<String, Object>> samplePeers(int n) {
        List<Map<String, Object>> peers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            peers.add(entry(new KeySigner().keyId(), "127.0.0.1", 17001 + i));
        }
        return peers;
    }

    static Map<String, Object> entry(String id, String host, int port) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", id);
        entry.put("host", host);
        entry.put("port", port);
        return entry;
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The base URL, as configured in {@code urls}. */
    String url() {
        return "http://127.0.0.1:" + port() + GenesisWire.BASE_PATH;
    }

    PeerId genesisId() {
        return key.peerId();
    }

    List<Request> requests(String method) {
        return requests.stream().filter(r -> r.method().equals(method)).toList();
    }

    long verifiedRegistrations() {
        return registrations.stream().filter(Registration::verified).count();
    }

    // ------------------------------------------------------------------ answering

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(64 * 1024);
            }
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI(),
                    query(exchange.getRequestURI().getRawQuery()), body, System.nanoTime());
            requests.add(request);
            Reply reply;
            try {
                reply = responder.reply(request);
            } catch (Exception e) {
                reply = new Reply(500, Map.of(), new byte[0]);
            }
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            if (!reply.headers().containsKey("Content-Type")) {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
            }
            long length = reply.body().length == 0 ? -1 : chunked ? 0 : reply.body().length;
            exchange.sendResponseHeaders(reply.status(), length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        } catch (IOException clientWentAway) {
            // an aborted request: nothing to answer
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            query.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }

    /** What a correct genesis node answers. */
    Reply standard(Request request) {
        if (!request.uri().getPath().equals(GenesisWire.BASE_PATH + "/peers")) {
            return error(404, "not_found", "no such path", request.nonce());
        }
        if (request.method().equals("POST")) {
            Registration registration = check(request.bodyJson());
            registrations.add(registration);
            if (!registration.verified()) {
                return error(400, "bad_signature", "sig does not verify", request.nonce());
            }
        }
        return reply(standardJson(request));
    }

    /** The answer a correct genesis node gives to this request, to be changed by a test. */
    Map<String, Object> standardJson(Request request) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("v", 1);
        json.put("mode", authority ? "authority" : "trustless");
        json.put("ts", System.currentTimeMillis());
        json.put("nonce", request.nonce());
        if (request.method().equals("POST")) {
            json.put("observed", Map.of("host", "127.0.0.1", "port", 50000));
        }
        json.put("genesis", Map.of("id", genesisId().value(), "port", GENESIS_PORT));
        json.put("ttlSeconds", 600);
        json.put("peers", peers);
        return json;
    }

    Reply error(int status, String code, String message, String nonce) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("v", 1);
        json.put("mode", authority ? "authority" : "trustless");
        json.put("ts", System.currentTimeMillis());
        json.put("nonce", nonce);
        json.put("error", code);
        json.put("message", message);
        Reply reply = reply(json);
        return new Reply(status, reply.headers(), reply.body());
    }

    /** A 200 with this JSON, signed with {@link #key} in authority mode. */
    Reply reply(Map<String, Object> json) {
        byte[] body = write(json);
        return authority ? signed(key, body) : new Reply(200, Map.of(), body);
    }

    static byte[] write(Object json) {
        try {
            return MAPPER.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A 200 with this body, signed by {@code signer} as an authority signs. */
    static Reply signed(NodeSigner signer, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(GenesisWire.AUTHORITY_KEY_HEADER, Base64.getEncoder().encodeToString(signer.publicKey()));
        headers.put(GenesisWire.SIGNATURE_HEADER,
                Base64.getEncoder().encodeToString(signer.sign(GenesisWire.signedResponseBytes(body))));
        return new Reply(200, headers, body);
    }

    /** Checks a registration as the genesis server does. */
    static Registration check(JsonNode body) {
        try {
            byte[] key = Base64.getDecoder().decode(body.get("key").textValue());
            String id = body.get("id").textValue();
            byte[] canonical = GenesisWire.registrationCanonicalBytes(body.get("v").intValue(),
                    body.get("net").textValue(), id, key, body.get("port").intValue(), body.get("ts").longValue(),
                    body.get("count").intValue(), body.get("nonce").textValue());
            boolean verified = PeerId.fromEncodedKey(key).value().equals(id)
                    && NodeSigner.verify(key, canonical, Base64.getDecoder().decode(body.get("sig").textValue()));
            return new Registration(body, verified);
        } catch (RuntimeException e) {
            return new Registration(body, false);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
