package org.p2pnet.core.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.spi.TransportChannel;

/**
 * The open channels: at most one registered channel per peer, plus every channel the core still
 * tracks until its transport reports it closed (a replaced duplicate stays tracked until then).
 * All methods are atomic; they are called concurrently from transport threads.
 */
final class ChannelRegistry {

    /** What {@link #register} decided. */
    sealed interface Outcome permits Registered, Refused {
    }

    /** The candidate is registered; {@code replaced} (when not null) lost its place and must be closed. */
    record Registered(CoreChannel replaced) implements Outcome {
    }

    /** The candidate is refused; {@code survivor} is the channel kept instead, for a duplicate. */
    record Refused(DisconnectReason reason, String message, CoreChannel survivor) implements Outcome {
    }

    private final Map<PeerId, CoreChannel> byPeer = new HashMap<>();
    private final Map<TransportChannel, CoreChannel> tracked = new IdentityHashMap<>();

    /**
     * Registers an identified channel: applies the direction limits, then the duplicate rule of
     * PROTOCOL.md (Channel life, 4), then the per-IP limit. A candidate that takes the place of
     * another channel with the same peer does not count against the direction limits: the number
     * of channels does not grow. For the per-IP limit the channel it replaces does not count
     * either, and channels with protected peers are neither limited nor counted.
     */
    synchronized Outcome register(CoreChannel candidate, PeerId local, CoreSettings limits) {
        PeerId peer = candidate.peerId();
        CoreChannel existing = byPeer.get(peer);
        if (existing == null) {
            ChannelDirection d = candidate.direction();
            int max = d == ChannelDirection.INBOUND ? limits.maxInboundChannels() : limits.maxOutboundChannels();
            if (count(d) >= max) {
                return new Refused(DisconnectReason.TOO_MANY_CHANNELS,
                        "the " + d.name().toLowerCase() + " channel limit of " + max + " is reached", null);
            }
        } else if (existing.isOpen() && !candidateWins(candidate, existing, local)) {
            return new Refused(DisconnectReason.DUPLICATE_CHANNEL, "a channel with " + peer.shortForm()
                    + " dialled by " + dialler(existing, local).shortForm() + " is kept instead", existing);
        }
        if (!limits.isProtected(peer)) {
            String ip = candidate.remoteIp();
            int max = limits.maxChannelsPerIp();
            if (countFromIp(ip, existing, limits) >= max) {
                return new Refused(DisconnectReason.TOO_MANY_CHANNELS, "the limit of " + max
                        + " channels per IP address (maxChannelsPerIp) is reached for " + ip, null);
            }
        }
        byPeer.put(peer, candidate);
        tracked.put(candidate.transport(), candidate);
        return new Registered(existing);
    }

    /** Registered channels with unprotected peers at {@code ip}, {@code excluded} left out. */
    private int countFromIp(String ip, CoreChannel excluded, CoreSettings limits) {
        int n = 0;
        for (CoreChannel c : byPeer.values()) {
            if (c != excluded && !limits.isProtected(c.peerId()) && ip.equals(c.remoteIp())) {
                n++;
            }
        }
        return n;
    }

    /**
     * The duplicate rule. Same direction: the newer channel replaces the older (the peer
     * reconnected). Opposite directions (both dialled at once): keep the channel dialled by the
     * peer with the smaller id, so both ends decide alike without talking.
     */
    static boolean candidateWins(CoreChannel candidate, CoreChannel existing, PeerId local) {
        if (candidate.direction() == existing.direction()) {
            return true;
        }
        PeerId smaller = local.compareTo(candidate.peerId()) < 0 ? local : candidate.peerId();
        return dialler(candidate, local).equals(smaller);
    }

    private static PeerId dialler(CoreChannel channel, PeerId local) {
        return channel.direction() == ChannelDirection.OUTBOUND ? local : channel.peerId();
    }

    /** Stops tracking a channel. @return true when it was the registered channel of its peer */
    synchronized boolean unregister(CoreChannel channel) {
        tracked.remove(channel.transport(), channel);
        return byPeer.remove(channel.peerId(), channel);
    }

    synchronized Optional<CoreChannel> byPeer(PeerId peer) {
        return Optional.ofNullable(byPeer.get(peer));
    }

    synchronized boolean isRegistered(PeerId peer) {
        return byPeer.containsKey(peer);
    }

    synchronized CoreChannel byTransport(TransportChannel transport) {
        return tracked.get(transport);
    }

    /** Registered channels, one per peer. */
    synchronized List<CoreChannel> registered() {
        return new ArrayList<>(byPeer.values());
    }

    /** Every tracked channel, including replaced ones whose close is not reported yet. */
    synchronized List<CoreChannel> tracked() {
        return new ArrayList<>(tracked.values());
    }

    synchronized int count(ChannelDirection direction) {
        int n = 0;
        for (CoreChannel c : byPeer.values()) {
            if (c.direction() == direction) {
                n++;
            }
        }
        return n;
    }
}
