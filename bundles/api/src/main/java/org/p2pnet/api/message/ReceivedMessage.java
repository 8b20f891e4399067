package org.p2pnet.api.message;

import java.time.Instant;

import org.p2pnet.api.PeerId;

/**
 * A pure message as received.
 *
 * @param from       the sender
 * @param id         the sender's message id
 * @param text       the text
 * @param sentAt     the sender's clock
 * @param receivedAt this node's clock
 */
public record ReceivedMessage(PeerId from, String id, String text, Instant sentAt, Instant receivedAt) {
}
