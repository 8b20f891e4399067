package org.p2pnet.api.task;

import java.util.List;

/**
 * The kinds of network task, with P2PNet's names and the arguments each takes.
 */
public enum NetworkTaskType {
    /** Blocks a peer id and ends its channel. Argument {@code peer}. */
    BLOCK_AND_REMOVE_PEER("BlockAndRemovePeer", "peer"),
    /** Blocks an IP address or CIDR range. Argument {@code ip}. */
    BLOCK_IP("BlockIP", "ip"),
    /** Ends the channel with a peer. Argument {@code peer}. */
    DISCONNECT_PEER("DisconnectPeer", "peer"),
    /** Trusts a peer (ENHANCED, kept). Argument {@code peer}. */
    AUTHORIZE_PEER("AuthorizePeer", "peer"),
    /** Drops the trust decision about a peer. Argument {@code peer}. */
    REVOKE_PEER_AUTHORIZATION("RevokePeerAuthorization", "peer"),
    /** Sets the node's alias, as its identifier policy allows. Argument {@code alias}. */
    SET_LOCAL_IDENTIFIER("SetLocalIdentifier", "alias"),
    /** Sends a MESSAGE to a peer. Arguments {@code peer}, {@code text}. */
    SEND_MESSAGE("SendMessage", "peer", "text"),
    /** Dials a peer (if not connected) and records whether it answered. Argument {@code peer}. */
    PING_PEER("PingPeer", "peer");

    private final String wireName;
    private final List<String> arguments;

    NetworkTaskType(String wireName, String... arguments) {
        this.wireName = wireName;
        this.arguments = List.of(arguments);
    }

    /** P2PNet's name, used on the wire. */
    public String wireName() {
        return wireName;
    }

    /** The argument keys this task needs, no more and no less. */
    public List<String> arguments() {
        return arguments;
    }

    /**
     * Parses a wire name ({@code BlockIP}) or constant name ({@code block_ip}), any case.
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static NetworkTaskType parse(String text) {
        if (text != null) {
            String t = text.trim();
            for (NetworkTaskType type : values()) {
                if (type.wireName.equalsIgnoreCase(t) || type.name().equalsIgnoreCase(t)) {
                    return type;
                }
            }
        }
        StringBuilder known = new StringBuilder();
        for (NetworkTaskType type : values()) {
            known.append(known.length() == 0 ? "" : ", ").append(type.wireName);
        }
        throw new IllegalArgumentException("'" + text + "' is not a network task type: use one of " + known);
    }
}
