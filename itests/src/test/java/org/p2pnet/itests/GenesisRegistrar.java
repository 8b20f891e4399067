package org.p2pnet.itests;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import org.p2pnet.api.genesis.GenesisWire;

/**
 * Registers made-up nodes with a genesis node, exactly as docs/GENESIS.md says a node does
 * (signed POST /peers), each with a fresh Ed25519 key. Used by the dashboard test and, through
 * {@link #main}, by the genesis benchmark to fill the registry. Only ever talks to the URL given,
 * which tests and the benchmark keep on loopback.
 */
public final class GenesisRegistrar {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String network;

    public GenesisRegistrar(String baseUrl, String network) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.network = network;
    }

    /** Registers one made-up node listening on {@code port}; returns its peer id. */
    public String register(int port) throws Exception {
        KeyPair key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] publicKey = key.getPublic().getEncoded();
        String id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey));
        long ts = System.currentTimeMillis();
        int count = 0;
        String nonce = "registrar" + Long.toHexString(ts);
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(key.getPrivate());
        signer.update(GenesisWire.registrationCanonicalBytes(GenesisWire.VERSION, network, id, publicKey, port, ts, count, nonce));
        String body = "{\"v\":" + GenesisWire.VERSION + ",\"net\":\"" + jsonEscape(network) + "\",\"id\":\"" + id
            + "\",\"key\":\"" + Base64.getEncoder().encodeToString(publicKey) + "\",\"port\":" + port + ",\"ts\":" + ts
            + ",\"count\":" + count + ",\"nonce\":\"" + nonce + "\",\"sig\":\""
            + Base64.getEncoder().encodeToString(signer.sign()) + "\"}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/peers"))
            .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("POST " + baseUrl + "/peers: " + response.statusCode() + " " + response.body());
        }
        return id;
    }

    private static String jsonEscape(String text) {
        StringBuilder b = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** {@code GenesisRegistrar <base-url> <network> <count> [first-port]}: registers count made-up nodes. */
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: GenesisRegistrar <base-url> <network> <count> [first-port]");
            System.exit(2);
        }
        int count = Integer.parseInt(args[2]);
        if (count < 1 || count > 100_000) {
            System.err.println("count must be 1-100000");
            System.exit(2);
        }
        int firstPort = args.length > 3 ? Integer.parseInt(args[3]) : 20_000;
        GenesisRegistrar registrar = new GenesisRegistrar(args[0], args[1]);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(registrar.register(firstPort + i % 40_000));
        }
        System.out.println("registered " + ids.size() + " nodes with " + args[0]);
    }
}
