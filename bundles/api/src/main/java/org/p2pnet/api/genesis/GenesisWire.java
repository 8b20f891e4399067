package org.p2pnet.api.genesis;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The parts of the genesis protocol (docs/GENESIS.md) that the server and the client must compute
 * byte for byte alike: paths, header names and what the signatures sign.
 */
public final class GenesisWire {
    /** Protocol version, the {@code v} of every body. */
    public static final int VERSION = 1;
    /** Base path of every endpoint. */
    public static final String BASE_PATH = "/p2pnet/genesis";
    /** Header: base64 X.509 encoding of the authority key that signed the answer. */
    public static final String AUTHORITY_KEY_HEADER = "X-P2pnet-Authority-Key";
    /** Header: base64 Ed25519 signature over {@link #signedResponseBytes}. */
    public static final String SIGNATURE_HEADER = "X-P2pnet-Signature";
    /** Most peers one answer carries. */
    public static final int MAX_COUNT = 64;

    private static final byte[] RESPONSE_TAG = "p2pnet-genesis-response\n".getBytes(StandardCharsets.UTF_8);
    private static final String REGISTER_TAG = "p2pnet-genesis-register";

    private GenesisWire() {
    }

    /** What an authority signs for an answer: the domain tag, then the exact body bytes. */
    public static byte[] signedResponseBytes(byte[] body) {
        byte[] signed = new byte[RESPONSE_TAG.length + body.length];
        System.arraycopy(RESPONSE_TAG, 0, signed, 0, RESPONSE_TAG.length);
        System.arraycopy(body, 0, signed, RESPONSE_TAG.length, body.length);
        return signed;
    }

    /**
     * What a registering node signs: length-prefixed items (4-byte big-endian length, then the
     * bytes) of the domain tag, v, net, id, the raw key, port, ts, count and nonce ("" when absent).
     */
    public static byte[] registrationCanonicalBytes(int version, String network, String peerId, byte[] publicKey,
                                                    int port, long timestamp, int count, String nonce) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        item(out, REGISTER_TAG.getBytes(StandardCharsets.UTF_8));
        item(out, Integer.toString(version).getBytes(StandardCharsets.US_ASCII));
        item(out, network.getBytes(StandardCharsets.UTF_8));
        item(out, peerId.getBytes(StandardCharsets.UTF_8));
        item(out, publicKey);
        item(out, Integer.toString(port).getBytes(StandardCharsets.US_ASCII));
        item(out, Long.toString(timestamp).getBytes(StandardCharsets.US_ASCII));
        item(out, Integer.toString(count).getBytes(StandardCharsets.US_ASCII));
        item(out, (nonce == null ? "" : nonce).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static void item(ByteArrayOutputStream out, byte[] bytes) {
        int n = bytes.length;
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
        out.write(bytes, 0, n);
    }
}
