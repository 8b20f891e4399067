package org.p2pnet.channel.tcp.internal;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.p2pnet.api.packet.Packet;

/**
 * The parts of channel-tcp that the idle-channels benchmark's lean client speaks with
 * (org.p2pnet.bench.idle.IdleClients): the packet codec, the node certificate and the protocol's
 * constants, so that the client writes exactly the frames and certificates a p2pnet node writes
 * instead of a copy of them. It lives in channel-tcp's package because those classes are
 * package-private; it adds no behaviour of its own.
 */
public final class IdleClientSupport {
    /** Encoding only IDENTITY and decoding what a node sends before and right after it: the pre-identity limit. */
    private static final PacketCodec CODEC = new PacketCodec(PacketCodec.MAX_PRE_IDENTITY_FRAME_SIZE);

    private IdleClientSupport() {
    }

    /** Bytes of a frame's length prefix (docs/PROTOCOL.md, "Frames"). */
    public static int lengthFieldSize() {
        return PacketCodec.LENGTH_FIELD_SIZE;
    }

    /** Largest frame a node accepts before it accepted the sender's IDENTITY, and the largest this client reads. */
    public static int maxPreIdentityFrameSize() {
        return PacketCodec.MAX_PRE_IDENTITY_FRAME_SIZE;
    }

    /** The only TLS version p2pnet speaks. */
    public static String tlsProtocol() {
        return Tls.PROTOCOL;
    }

    /**
     * A whole frame, length prefix included, for {@code packet} (built-in types; IDENTITY here).
     * The caller owns the returned buffer.
     */
    public static ByteBuf encodeFrame(Packet packet, ByteBufAllocator alloc) {
        ByteBuf body = CODEC.encode(packet, alloc);
        try {
            ByteBuf frame = alloc.buffer(PacketCodec.LENGTH_FIELD_SIZE + body.readableBytes());
            frame.writeInt(body.readableBytes());
            frame.writeBytes(body);
            return frame;
        } finally {
            body.release();
        }
    }

    /**
     * Decodes one frame without its length prefix; neither retains nor releases it.
     *
     * @throws RuntimeException (a RejectedInputException) when the frame is not a valid packet
     */
    public static Packet decodeFrame(ByteBuf frame) {
        return CODEC.decode(frame);
    }

    /** The self-signed certificate a p2pnet node presents for {@code keys} (see NodeCertificate). */
    public static X509Certificate certificate(KeyPair keys) throws GeneralSecurityException {
        return NodeCertificate.selfSigned(keys, Instant.now());
    }

    /** True for a canonical X.509 Ed25519 public key, as a node checks a peer certificate's key. */
    public static boolean isEd25519(PublicKey key) {
        return NodeCertificate.isEd25519(key);
    }
}
