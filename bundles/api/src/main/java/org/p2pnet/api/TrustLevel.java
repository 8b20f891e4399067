package org.p2pnet.api;

import java.util.Objects;

import org.p2pnet.api.packet.PacketTypes;

/**
 * How far a channel is trusted, in P2PNet's terms. Ordered: a later constant trusts more. The
 * core checks every received packet against its channel's level before dispatch
 * ({@link #requiredFor(String)}); a packet above the level is dropped and counted, and a channel
 * that keeps sending such packets is closed with {@link DisconnectReason#NOT_TRUSTED}.
 */
public enum TrustLevel {
    /** Nothing but IDENTITY, DISCONNECT, keepalive (PING, PONG) and trust-protocol packets ({@code TRUST}, {@code TRUST.*}). */
    NONE,
    /** Default communication: MESSAGE and BROADCAST too (P2PNet's AllowDefaultCommunication). */
    DEFAULT,
    /** Enhanced packet exchange: DATA, PEER_GROUP and every other type (P2PNet's AllowEnhancedPacketExchange). */
    ENHANCED;

    /** True when this level is at least {@code other}. */
    public boolean atLeast(TrustLevel other) {
        return compareTo(other) >= 0;
    }

    /** The lower of this level and {@code other}. */
    public TrustLevel min(TrustLevel other) {
        return compareTo(other) <= 0 ? this : other;
    }

    /**
     * The level a channel needs for the core to deliver a packet of this type: {@link #NONE} for
     * IDENTITY, DISCONNECT, PING, PONG and trust-protocol types ({@value PacketTypes#TRUST} and names starting
     * with {@code TRUST.}), {@link #DEFAULT} for MESSAGE and BROADCAST, {@link #ENHANCED} for every other type,
     * custom ones included.
     */
    public static TrustLevel requiredFor(String packetType) {
        Objects.requireNonNull(packetType, "packetType");
        return switch (packetType) {
            case PacketTypes.IDENTITY, PacketTypes.DISCONNECT, PacketTypes.TRUST, PacketTypes.PING,
                    PacketTypes.PONG -> NONE;
            case PacketTypes.MESSAGE, PacketTypes.BROADCAST -> DEFAULT;
            default -> packetType.startsWith(PacketTypes.TRUST + ".") ? NONE : ENHANCED;
        };
    }

    /**
     * Parses a level name, case-insensitively.
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static TrustLevel parse(String text) {
        if (text != null) {
            for (TrustLevel level : values()) {
                if (level.name().equalsIgnoreCase(text.trim())) {
                    return level;
                }
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a trust level: use NONE, DEFAULT or ENHANCED");
    }
}
