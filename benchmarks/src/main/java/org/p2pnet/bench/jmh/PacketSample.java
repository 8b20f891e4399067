package org.p2pnet.bench.jmh;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.BroadcastPacket;
import org.p2pnet.api.packet.DataFormat;
import org.p2pnet.api.packet.DataPacket;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PeerGroupPacket;

/**
 * One typical packet of each built-in type, as the benchmarks send them: the value of the
 * {@code type} parameter of {@link PacketCodecBench} and the frames of {@link FrameCodecBench}.
 * Contents are fixed (seeded), so every run and every fork encodes the same bytes; sizes follow
 * what the node sends (a 100-character chat message, 8 peers in a peer exchange, DATA chunks of
 * 4 KiB and 64 KiB).
 */
public enum PacketSample {
    IDENTITY("IDENTITY"),
    DISCONNECT("DISCONNECT"),
    MESSAGE("MESSAGE (100 B text)"),
    PEER_GROUP("PEER_GROUP (8 peers)"),
    DATA_4K("DATA (4 KiB body)"),
    DATA_64K("DATA (64 KiB body)"),
    BROADCAST("BROADCAST (100 B message)");

    private final String label;

    PacketSample(String label) {
        this.label = label;
    }

    /** How the report names this sample (the figure's system). */
    public String label() {
        return label;
    }

    /** A new packet of this sample; equal contents on every call. */
    public Packet packet() {
        Random random = new Random(ordinal() * 7919L + 17);
        long now = 1_700_000_000_000L;
        return switch (this) {
            case IDENTITY -> {
                KeyPair keys = ed25519();
                yield new IdentityPacket(PeerId.of(keys.getPublic()),
                        Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()), "Ed25519", 7946,
                        "p2pnet-bench", 1, "p2pnet/0.1.0");
            }
            case DISCONNECT -> new DisconnectPacket(DisconnectReason.SHUTDOWN, "node shutting down");
            case MESSAGE -> new MessagePacket("6f1c2a9e-3b7d-4e0a-9c55-2d8f0b1e7a43", text(random, 100), now);
            case PEER_GROUP -> {
                List<PeerGroupPacket.Entry> peers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    peers.add(new PeerGroupPacket.Entry(hex(random, 32), "192.168.1." + (10 + i), 7946 + i));
                }
                yield new PeerGroupPacket(peers);
            }
            case DATA_4K -> data(random, 4 * 1024);
            case DATA_64K -> data(random, 64 * 1024);
            case BROADCAST -> new BroadcastPacket(hex(random, 32), "bench", text(random, 100), now,
                    PeerId.parse(hex(random, 32)), 8);
        };
    }

    private static DataPacket data(Random random, int size) {
        byte[] body = new byte[size];
        random.nextBytes(body);
        // a chunk in the middle of a 64 MiB file, as the transfer engine sends it
        return new DataPacket("3f8e1b2c-7d4a-4c6e-8f90-1a2b3c4d5e6f", DataFormat.FILE, "dataset.bin", 16L * size,
                64L * 1024 * 1024, "", false, body);
    }

    private static String text(Random random, int length) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789.,";
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    private static String hex(Random random, int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The same key pair on every call: a seeded SHA1PRNG feeds the generator. */
    private static KeyPair ed25519() {
        try {
            SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
            seeded.setSeed(42);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, seeded);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519 or SHA1PRNG", e);
        }
    }
}
