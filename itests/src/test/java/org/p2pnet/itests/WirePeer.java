package org.p2pnet.itests;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A minimal peer written from docs/PROTOCOL.md alone, on a blocking socket: it shares no code
 * with channel-tcp, so a test that uses it also checks that the document is enough to
 * interoperate. Not thread-safe; one test thread drives it.
 */
public final class WirePeer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeyPair key;
    private final String peerId;
    private Socket socket;
    private DataInputStream in;
    private DataOutputStream out;

    /** A peer with a new key. */
    public WirePeer() throws Exception {
        this(newKey());
    }

    /** A connection of the peer owning {@code key}; several may share one key (one peer, several channels). */
    public WirePeer(KeyPair key) throws Exception {
        this.key = key;
        peerId = idOf(key);
    }

    public static KeyPair newKey() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    /** The peer id of a key, as PROTOCOL.md defines it. */
    public static String idOf(KeyPair key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getPublic().getEncoded()));
    }

    public String peerId() {
        return peerId;
    }

    /** A frame as read: type, metadata JSON and body. */
    public record Frame(String type, JsonNode metadata, byte[] body) {
    }

    public void connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        use(s);
    }

    /** Connects to the node on 127.0.0.1 from another loopback address ({@code 127.0.0.2}): another source IP. */
    public void connectFrom(String sourceIp, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(sourceIp, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        use(s);
    }

    /** Key of this peer, so that another connection can claim the same id. */
    public KeyPair key() {
        return key;
    }

    /** Takes the next connection the node opens to {@code listener} and answers its handshake. */
    public Frame accept(ServerSocket listener, String networkName) throws IOException {
        listener.setSoTimeout(10_000);
        use(listener.accept());
        sendIdentity(networkName, peerId);
        Frame theirs = read();
        if (!"IDENTITY".equals(theirs.type())) {
            throw new IOException("expected IDENTITY first, got " + theirs.type() + " " + theirs.metadata());
        }
        return theirs;
    }

    /** How long a read waits (10 s unless changed). */
    public void readTimeout(java.time.Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
    }

    private void use(Socket s) throws IOException {
        socket = s;
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    /** Connects, sends our IDENTITY and reads the node's; returns the node's IDENTITY. */
    public Frame handshake(int port, String networkName) throws IOException {
        connect(port);
        sendIdentity(networkName, peerId);
        Frame theirs = read();
        if (!"IDENTITY".equals(theirs.type())) {
            throw new IOException("expected IDENTITY first, got " + theirs.type() + " " + theirs.metadata());
        }
        return theirs;
    }

    /** Sends an IDENTITY with our key, claiming {@code claimedPeerId} (ours, or a forged one). */
    public void sendIdentity(String networkName, String claimedPeerId) throws IOException {
        Map<String, Object> identity = identityFields(networkName);
        identity.put("peerId", claimedPeerId);
        send("IDENTITY", identity);
    }

    /** The fields of a correct IDENTITY of ours, in wire order, for a test to change one before sending. */
    public Map<String, Object> identityFields(String networkName) {
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("peerId", peerId);
        identity.put("publicKey", Base64.getEncoder().encodeToString(key.getPublic().getEncoded()));
        identity.put("keyAlgorithm", "Ed25519");
        identity.put("listenPort", 0);
        identity.put("networkName", networkName);
        identity.put("protocolVersion", 1);
        identity.put("agent", "itest-wirepeer");
        return identity;
    }

    public void sendMessage(String id, String text) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("text", text);
        m.put("sentAt", System.currentTimeMillis());
        send("MESSAGE", m);
    }

    public void send(String type, Object metadata) throws IOException {
        sendRaw(type, JSON.writeValueAsBytes(metadata), new byte[0]);
    }

    /** Writes one frame exactly as PROTOCOL.md lays it out. */
    public void sendRaw(String type, byte[] metadata, byte[] body) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        int length = 1 + t.length + 4 + metadata.length + body.length;
        out.writeInt(length);
        out.writeByte(t.length);
        out.write(t);
        out.writeInt(metadata.length);
        out.write(metadata);
        out.write(body);
        out.flush();
    }

    /** Writes raw bytes (for malformed input). */
    public void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public Frame read() throws IOException {
        int length = in.readInt();
        if (length < 6 || length > 16 * 1024 * 1024) {
            throw new IOException("bad frame length " + length);
        }
        int tlen = in.readUnsignedByte();
        byte[] t = new byte[tlen];
        in.readFully(t);
        int mlen = in.readInt();
        byte[] meta = new byte[mlen];
        in.readFully(meta);
        byte[] body = new byte[length - 5 - tlen - mlen];
        in.readFully(body);
        JsonNode metadata = mlen == 0 ? JSON.createObjectNode() : JSON.readTree(meta);
        return new Frame(new String(t, StandardCharsets.US_ASCII), metadata, body);
    }

    /** Reads frames until a DISCONNECT arrives or the stream ends; returns the DISCONNECT or null. */
    public Frame readUntilDisconnect() throws IOException {
        try {
            while (true) {
                Frame f = read();
                if ("DISCONNECT".equals(f.type())) {
                    return f;
                }
            }
        } catch (EOFException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
        }
    }
}
