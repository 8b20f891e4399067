package org.p2pnet.api.packet;

import java.util.UUID;

/**
 * A pure message (P2PNet's PureMessagePacket).
 *
 * @param id     a sender-chosen id (at most 64 characters), for de-duplication and receipts
 * @param text   the message (at most {@value #MAX_TEXT_LENGTH} characters)
 * @param sentAt the sender's clock, epoch milliseconds
 */
public record MessagePacket(String id, String text, long sentAt) implements Packet {
    public static final int MAX_TEXT_LENGTH = 65_536;

    public MessagePacket {
        id = Checks.text("id", id, 64, true);
        text = Checks.text("text", text, MAX_TEXT_LENGTH, true);
    }

    /** A message with a random id, sent now. */
    public static MessagePacket of(String text) {
        return new MessagePacket(UUID.randomUUID().toString(), text, System.currentTimeMillis());
    }

    @Override
    public String type() {
        return PacketTypes.MESSAGE;
    }
}
