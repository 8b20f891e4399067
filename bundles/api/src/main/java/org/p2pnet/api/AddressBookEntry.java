package org.p2pnet.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the node's address book: a peer and where it was last known to listen, with what
 * this node knows of dialling it. Kept across restarts ({@code ${karaf.data}/p2pnet/addressbook.json}).
 *
 * @param peerId      the peer
 * @param address     the dialable address (host and listen port)
 * @param source      how it was learnt: {@code lan}, {@code genesis}, {@code peer-exchange}, {@code manual}
 *                    or {@code inbound} (the peer dialled this node and advertised its listen port)
 * @param group       the address group the entry is spread by: {@code /16} of IPv4, {@code /32} of IPv6,
 *                    or the host name
 * @param firstSeen   when it entered the book
 * @param lastSeen    when the peer was last heard of (a channel's activity, or a source naming it)
 * @param lastSuccess when a channel with it was last established, if ever
 * @param lastAttempt when this node last dialled it, if ever
 * @param failures    dials that failed since the last success
 * @param connected   true while a channel with it is open
 * @since 1.2
 */
public record AddressBookEntry(PeerId peerId, PeerAddress address, String source, String group, Instant firstSeen,
                               Instant lastSeen, Optional<Instant> lastSuccess, Optional<Instant> lastAttempt,
                               int failures, boolean connected) {
    public AddressBookEntry {
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(firstSeen, "firstSeen");
        Objects.requireNonNull(lastSeen, "lastSeen");
        lastSuccess = lastSuccess == null ? Optional.empty() : lastSuccess;
        lastAttempt = lastAttempt == null ? Optional.empty() : lastAttempt;
    }
}
