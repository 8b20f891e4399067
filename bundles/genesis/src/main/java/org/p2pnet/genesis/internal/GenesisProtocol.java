package org.p2pnet.genesis.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Enumeration;
import java.util.Locale;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.p2pnet.api.NodeIdentity;
import org.p2pnet.api.NodeSigner;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.genesis.GenesisMode;
import org.p2pnet.api.genesis.GenesisWire;

/**
 * The genesis protocol (docs/GENESIS.md) apart from HTTP: the checks of each request, the
 * registry updates, the answers' JSON and, in authority mode, their signatures. {@link GenesisServlet}
 * maps HTTP onto it. Every method is thread-safe.
 *
 * <p>Answers are written with a streaming {@link JsonGenerator} into a byte array (no tree, one
 * shared factory), so that the exact bytes can be signed and their length sent. In authority mode
 * every JSON answer, refusals included, is signed once with the node key over
 * {@link GenesisWire#signedResponseBytes}; nothing signed is cached or reused, since each answer
 * carries its own {@code ts} and {@code nonce}.
 */
final class GenesisProtocol {
    private static final JsonFactory JSON = JsonFactory.builder().build();
    /** The health answer: constant and unsigned (a baseline for benchmarks and a liveness probe). */
    private static final byte[] HEALTH = "{\"v\":1,\"ok\":true}".getBytes(StandardCharsets.US_ASCII);

    /** Writes an answer's own fields, after the common ones. */
    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private final GenesisSettings settings;
    private final String networkName;
    private final PeerNetwork network;
    private final NodeSigner signer;
    private final Registry registry;
    private final DialBackChecker dialBack;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final RateLimiter limiter;
    private final ClientAddresses clients;
    private final Counters counters = new Counters();
    private final RegistrationParser parser;
    private final String modeLabel;
    private final String authorityKey;

    /**
     * @param dialBack the dial-back checker, or null when {@code dialBack} is off
     * @param nanoTime a monotonic clock for the rate limit ({@link System#nanoTime()})
     */
    GenesisProtocol(GenesisSettings settings, String networkName, PeerNetwork network, NodeSigner signer,
                    Registry registry, DialBackChecker dialBack, Clock clock, LongSupplier nanoTime) {
        this.settings = settings;
        this.networkName = networkName;
        this.network = network;
        this.signer = signer;
        this.registry = registry;
        this.dialBack = dialBack;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.limiter = new RateLimiter(settings.rateLimitPerSecond(), settings.rateLimitBurst());
        this.clients = new ClientAddresses(settings.trustedProxies());
        this.parser = new RegistrationParser(settings.maxBodyBytes());
        this.modeLabel = settings.mode().name().toLowerCase(Locale.ROOT);
        this.authorityKey = Base64.getEncoder().encodeToString(signer.publicKey());
    }

    Counters counters() {
        return counters;
    }

    /** Base64 of the X.509 key that signs answers (the {@code X-P2pnet-Authority-Key} header). */
    String authorityKey() {
        return authorityKey;
    }

    // ------------------------------------------------------------------ admission

    /** Whether any proxy's {@code X-Forwarded-For} is believed. */
    boolean trustsProxies() {
        return !settings.trustedProxies().isEmpty();
    }

    /** The request's source (see {@link ClientAddresses}). */
    ClientAddress client(String remoteAddr, int remotePort, Enumeration<String> forwardedFor) throws Rejection {
        return clients.resolve(remoteAddr, remotePort, forwardedFor);
    }

    /** Takes a token from the source's bucket, or refuses with {@code rate_limited}. */
    void admit(ClientAddress client) throws Rejection {
        long retryAfter = limiter.acquire(client.host(), nanoTime.getAsLong());
        if (retryAfter > 0) {
            throw new Rejection(ErrorCode.RATE_LIMITED, "source " + client.host() + " sent more than "
                    + settings.rateLimitBurst() + " requests at once or " + settings.rateLimitPerSecond()
                    + " a second; retry after " + retryAfter + " s", retryAfter);
        }
    }

    // ------------------------------------------------------------------ endpoints

    /** {@code POST /peers}: checks, registers or renews, answers a sample without the caller. */
    Answer register(byte[] body, int length, ClientAddress client, Exchange exchange) throws Rejection {
        RegistrationParser.Registration r = parser.parse(body, length, exchange);
        if (!r.net().equals(networkName)) {
            throw new Rejection(ErrorCode.OTHER_NETWORK, "net '" + Printable.of(r.net())
                    + "' is not this genesis node's network '" + networkName + "'");
        }
        PeerId id = PeerId.parse(r.id());
        if (!id.matchesKey(r.key())) {
            throw new Rejection(ErrorCode.KEY_MISMATCH, "id " + id.shortForm() + "… is not the SHA-256 of key");
        }
        if (!NodeSigner.verify(r.key(), r.canonicalBytes(), r.sig())) {
            throw new Rejection(ErrorCode.BAD_SIGNATURE, "sig does not verify with key over the canonical bytes"
                    + " (from " + id.shortForm() + "…)");
        }
        long now = clock.millis();
        long window = settings.timestampWindowMillis();
        if (r.ts() < now - window || r.ts() > now + window) {
            throw new Rejection(ErrorCode.STALE, "ts is " + (r.ts() - now) + " ms from the genesis node's clock,"
                    + " the window is ±" + window + " ms");
        }
        InetAddress address = IpLiterals.parse(client.host());
        if (address == null) {
            // the container gave a source that is not an IP literal: nothing dialable to record
            throw new Rejection(ErrorCode.MALFORMED, "the source address '" + Printable.of(client.host())
                    + "' is not an IP literal");
        }
        String host = address.getHostAddress();
        Registry.Registered registered = registry.register(id, address, host, r.port(), now);
        if (dialBack != null) {
            dialBack.check(id, registered.peer(), registered.address());
        }
        int count = Math.min(r.count() == null ? settings.defaultCount() : r.count(), settings.maxCount());
        Registry.Peer[] sample = new Registry.Peer[count];
        int n = registry.sample(sample, count, id.value(), now);
        return answer(200, json(exchange.nonce, now, g -> {
            g.writeObjectFieldStart("observed");
            g.writeStringField("host", host);
            g.writeNumberField("port", client.port());
            g.writeEndObject();
            sampleFields(g, sample, n);
        }), null, 0);
    }

    /** {@code GET /peers}: a sample without registering. */
    Answer peers(Query query, Exchange exchange) throws Rejection {
        checkQuery(query);
        int count = settings.defaultCount();
        if (query.count != null) {
            count = Math.min(queryCount(query.count), settings.maxCount());
        }
        if (query.net != null && !query.net.equals(networkName)) {
            throw new Rejection(ErrorCode.OTHER_NETWORK, "net '" + Printable.of(query.net)
                    + "' is not this genesis node's network '" + networkName + "'");
        }
        String exclude = null;
        if (query.exclude != null) {
            try {
                exclude = PeerId.parse(query.exclude).value();
            } catch (IllegalArgumentException notAnId) {
                throw new Rejection(ErrorCode.MALFORMED, "exclude: " + notAnId.getMessage());
            }
        }
        long now = clock.millis();
        Registry.Peer[] sample = new Registry.Peer[count];
        int n = registry.sample(sample, count, exclude, now);
        return answer(200, json(exchange.nonce, now, g -> sampleFields(g, sample, n)), null, 0);
    }

    /** {@code GET /whoami}: the caller's address as seen here. */
    Answer whoami(Query query, ClientAddress client, Exchange exchange) throws Rejection {
        checkQuery(query);
        return answer(200, json(exchange.nonce, clock.millis(), g -> {
            g.writeStringField("host", client.host());
            g.writeNumberField("port", client.port());
        }), null, 0);
    }

    /** {@code GET /health}: constant, unsigned. */
    Answer health() {
        return new Answer(200, Answer.JSON, HEALTH, null, null, 0);
    }

    // ------------------------------------------------------------------ refusals

    /** Counts and logs (once per code) a refusal, and answers it with the JSON error body. */
    Answer refuse(Rejection rejection, Exchange exchange, String allow) {
        ErrorCode code = rejection.code();
        counters.rejected(code, source(exchange), rejection.getMessage(), null);
        long retryAfter = rejection.retryAfterSeconds();
        return answer(code.status(), errorBody(code, rejection.getMessage(), retryAfter, exchange.nonce), allow,
                retryAfter);
    }

    /**
     * A failure of this node while answering (a bug, a signer that throws): counted as
     * {@code internal}, logged once with its cause, answered 500 — signed if signing still works.
     */
    Answer failure(RuntimeException cause, Exchange exchange) {
        counters.rejected(ErrorCode.INTERNAL, source(exchange), cause.toString(), cause);
        byte[] body = errorBody(ErrorCode.INTERNAL, "the genesis node failed to answer ("
                + cause.getClass().getSimpleName() + "); see its log", 0, exchange.nonce);
        try {
            return answer(500, body, null, 0);
        } catch (RuntimeException signingFails) {
            return new Answer(500, Answer.JSON, body, null, null, 0);
        }
    }

    private byte[] errorBody(ErrorCode code, String message, long retryAfter, String nonce) {
        return json(nonce, clock.millis(), g -> {
            g.writeStringField("error", code.code());
            g.writeStringField("message", message);
            if (retryAfter > 0) {
                g.writeNumberField("retryAfterSeconds", retryAfter);
            }
        });
    }

    private static String source(Exchange exchange) {
        return exchange.client != null ? exchange.client.host()
                : exchange.remoteAddr != null ? exchange.remoteAddr : "(unknown)";
    }

    // ------------------------------------------------------------------ helpers

    private static void checkQuery(Query query) throws Rejection {
        if (query.problem != null) {
            throw new Rejection(ErrorCode.MALFORMED, query.problem);
        }
    }

    /** A query {@code count}: decimal digits only, 1-64. */
    private static int queryCount(String text) throws Rejection {
        if (text.isEmpty() || text.length() > 9) {
            throw badCount(text);
        }
        int value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw badCount(text);
            }
            value = value * 10 + (c - '0');
        }
        if (value < 1 || value > GenesisWire.MAX_COUNT) {
            throw badCount(text);
        }
        return value;
    }

    private static Rejection badCount(String text) {
        return new Rejection(ErrorCode.BAD_COUNT, "count '" + Printable.of(text) + "' is not an integer 1-"
                + GenesisWire.MAX_COUNT);
    }

    /** {@code genesis}, {@code ttlSeconds} and {@code peers}: what every sample answer carries. */
    private void sampleFields(JsonGenerator g, Registry.Peer[] sample, int n) throws IOException {
        NodeIdentity self = network.identity();
        if (self.listenPort() > 0) {
            g.writeObjectFieldStart("genesis");
            g.writeStringField("id", self.peerId().value());
            g.writeNumberField("port", self.listenPort());
            g.writeEndObject();
        } else {
            g.writeNullField("genesis");
        }
        g.writeNumberField("ttlSeconds", settings.ttlSeconds());
        g.writeArrayFieldStart("peers");
        for (int i = 0; i < n; i++) {
            Registry.Peer peer = sample[i];
            g.writeStartObject();
            g.writeStringField("id", peer.id());
            g.writeStringField("host", peer.host());
            g.writeNumberField("port", peer.port());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** The body: {@code v}, {@code mode}, {@code ts}, {@code nonce} (null without one), then the answer's fields. */
    private byte[] json(String nonce, long ts, Fields fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(768);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", GenesisWire.VERSION);
            g.writeStringField("mode", modeLabel);
            g.writeNumberField("ts", ts);
            g.writeStringField("nonce", nonce);
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            // a ByteArrayOutputStream does not fail; a generator error would be a bug
            throw new UncheckedIOException("cannot write a genesis answer: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** A JSON answer, signed in authority mode. */
    private Answer answer(int status, byte[] body, String allow, long retryAfter) {
        String signature = settings.mode() == GenesisMode.AUTHORITY
                ? Base64.getEncoder().encodeToString(signer.sign(GenesisWire.signedResponseBytes(body)))
                : null;
        return new Answer(status, Answer.JSON, body, signature, allow, retryAfter);
    }
}
