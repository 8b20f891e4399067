package org.p2pnet.channel.tcp.internal;

import java.time.Duration;
import java.util.Objects;

import org.p2pnet.api.spi.ChannelHost;
import org.p2pnet.api.spi.TransportSettings;

/**
 * What a new channel is built from: the host, the settings in force when it was opened, a
 * codec for those settings' frame size, and the transport's TLS contexts (null: plaintext).
 * Channels keep the context they were opened with.
 */
record ChannelContext(ChannelHost host, TransportSettings settings, PacketCodec codec, Tls tls) {

    ChannelContext {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(codec, "codec");
        check(settings);
        if (codec.maxFrameSize() != settings.maxFrameSize()) {
            throw new IllegalArgumentException("codec is for frames of " + codec.maxFrameSize() + " bytes, settings say "
                    + settings.maxFrameSize());
        }
    }

    /** A plaintext context with a new codec for the settings. */
    static ChannelContext of(ChannelHost host, TransportSettings settings) {
        return of(host, settings, null);
    }

    /** A context with a new codec for the settings; {@code tls} null for plaintext channels. */
    static ChannelContext of(ChannelHost host, TransportSettings settings, Tls tls) {
        check(settings);
        return new ChannelContext(host, settings, new PacketCodec(settings.maxFrameSize()), tls);
    }

    /** The same host with new settings; the codec is kept when the frame size did not change. */
    ChannelContext with(TransportSettings next) {
        check(next);
        PacketCodec nextCodec = next.maxFrameSize() == codec.maxFrameSize() ? codec : new PacketCodec(next.maxFrameSize());
        return new ChannelContext(host, next, nextCodec, tls);
    }

    /** Settings come from the core's configuration; refuse the ones a channel cannot run with. */
    static void check(TransportSettings s) {
        Objects.requireNonNull(s, "settings");
        if (s.bindAddress() == null || s.bindAddress().isBlank()) {
            throw new IllegalArgumentException("bindAddress is missing");
        }
        if (s.port() < 0 || s.port() > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + s.port());
        }
        if (s.maxFrameSize() < PacketCodec.MIN_FRAME_LENGTH || s.maxFrameSize() > Integer.MAX_VALUE - PacketCodec.LENGTH_FIELD_SIZE) {
            throw new IllegalArgumentException("maxFrameSize must be " + PacketCodec.MIN_FRAME_LENGTH + "-"
                    + (Integer.MAX_VALUE - PacketCodec.LENGTH_FIELD_SIZE) + ", got " + s.maxFrameSize());
        }
        if (s.handshakeTimeout() == null || s.handshakeTimeout().isNegative() || s.handshakeTimeout().isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive, got " + s.handshakeTimeout());
        }
        requireNonNegative("idleTimeout", s.idleTimeout());
        if (s.writeBufferLow() < 0 || s.writeBufferHigh() < s.writeBufferLow()) {
            throw new IllegalArgumentException("write buffer watermarks must satisfy 0 <= low <= high, got low "
                    + s.writeBufferLow() + ", high " + s.writeBufferHigh());
        }
        if (s.writeBufferLimit() <= 0) {
            throw new IllegalArgumentException("writeBufferLimit must be positive, got " + s.writeBufferLimit());
        }
    }

    private static void requireNonNegative(String name, Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be zero or positive, got " + d);
        }
    }
}
