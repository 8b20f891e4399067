package org.p2pnet.api.packet;

import java.util.Set;

/** Names of the built-in packet types, and the rule every type name follows. */
public final class PacketTypes {
    public static final String IDENTITY = "IDENTITY";
    public static final String DISCONNECT = "DISCONNECT";
    public static final String PEER_GROUP = "PEER_GROUP";
    public static final String DATA = "DATA";
    public static final String MESSAGE = "MESSAGE";
    public static final String BROADCAST = "BROADCAST";
    /**
     * The default trust protocol's packet type. Not a built-in type: it travels as a
     * {@link RawPacket}. Trust-protocol traffic ({@code TRUST} and types named {@code TRUST.<name>},
     * for custom protocols) is delivered at trust level NONE, so that a protocol can run before
     * the channel is trusted.
     */
    public static final String TRUST = "TRUST";
    /**
     * Keepalive request; the receiver answers PONG with the same {@code nonce}. Not built-in (a
     * {@link RawPacket} with metadata {@code {"nonce":"<hex>","sentAt":<epoch ms>}}); delivered at
     * trust level NONE, so that liveness never depends on trust.
     */
    public static final String PING = "PING";
    /** Keepalive answer to a PING, with its {@code nonce}; delivered at trust level NONE. */
    public static final String PONG = "PONG";

    /** Every built-in type. */
    public static final Set<String> BUILT_IN = Set.of(IDENTITY, DISCONNECT, PEER_GROUP, DATA, MESSAGE, BROADCAST);

    /** Longest allowed type name. */
    public static final int MAX_NAME_LENGTH = 64;

    private PacketTypes() {
    }

    /**
     * Checks a type name: 1–64 characters from {@code A-Z a-z 0-9 _ . -}.
     *
     * @return the name
     * @throws IllegalArgumentException with the reason
     */
    public static String requireValidName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("packet type name is empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("packet type name is longer than " + MAX_NAME_LENGTH + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '-';
            if (!ok) {
                throw new IllegalArgumentException("packet type name has an invalid character at position " + i);
            }
        }
        return name;
    }
}
