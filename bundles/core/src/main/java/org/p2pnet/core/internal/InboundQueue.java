package org.p2pnet.core.internal;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import org.p2pnet.api.InboundRequest;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.trust.Admission;

/**
 * Inbound peers waiting for a decision (P2PNet's InboundConnectingPeersQueue), oldest first.
 * Bounded by the caller ({@code inboundQueueCapacity}); each entry's timeout is the caller's.
 * All methods are atomic.
 */
final class InboundQueue {
    /** Bytes of randomness in a request id (8 hex digits). */
    private static final int ID_BYTES = 4;

    /** One waiting peer: its held channel, its IDENTITY (dispatched when accepted) and how it was admitted. */
    static final class Entry {
        final InboundRequest request;
        final CoreChannel channel;
        final IdentityPacket identity;
        final Admission admission;
        final boolean failClosed;
        /**
         * Held only because the node had just started and no inbound policy was installed yet
         * (policyWaitSeconds): the first policy decides it, without an operator.
         */
        final boolean awaitingPolicy;
        volatile Future<?> timeout;

        Entry(InboundRequest request, CoreChannel channel, IdentityPacket identity, Admission admission,
              boolean failClosed) {
            this(request, channel, identity, admission, failClosed, false);
        }

        Entry(InboundRequest request, CoreChannel channel, IdentityPacket identity, Admission admission,
              boolean failClosed, boolean awaitingPolicy) {
            this.request = request;
            this.channel = channel;
            this.identity = identity;
            this.admission = admission;
            this.failClosed = failClosed;
            this.awaitingPolicy = awaitingPolicy;
        }

        void cancelTimeout() {
            Future<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** The entries held until a policy is installed, oldest first. */
    synchronized List<Entry> awaitingPolicy() {
        List<Entry> list = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.awaitingPolicy) {
                list.add(e);
            }
        }
        return list;
    }

    /** A short random hex id no waiting request has. */
    synchronized String newId() {
        for (;;) {
            byte[] bytes = new byte[ID_BYTES];
            random.nextBytes(bytes);
            String id = HexFormat.of().formatHex(bytes);
            if (!entries.containsKey(id)) {
                return id;
            }
        }
    }

    /**
     * Adds an entry unless {@code capacity} are waiting already. An entry of the same peer that
     * was waiting is taken out and returned through {@code replaced[0]} (the newer channel replaces it).
     *
     * @return false when the queue is full
     */
    synchronized boolean add(Entry entry, int capacity, Entry[] replaced) {
        Entry same = null;
        for (Entry e : entries.values()) {
            if (e.request.peerId().equals(entry.request.peerId())) {
                same = e;
                break;
            }
        }
        if (same == null && entries.size() >= capacity) {
            return false;
        }
        if (same != null) {
            entries.remove(same.request.requestId());
            replaced[0] = same;
        }
        entries.put(entry.request.requestId(), entry);
        return true;
    }

    synchronized Entry remove(String requestId) {
        return requestId == null ? null : entries.remove(requestId);
    }

    /** Takes out the entry of a channel. @return it, or null when that channel was not waiting */
    synchronized Entry remove(CoreChannel channel) {
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext();) {
            Entry e = it.next();
            if (e.channel == channel) {
                it.remove();
                return e;
            }
        }
        return null;
    }

    synchronized List<InboundRequest> requests() {
        List<InboundRequest> list = new ArrayList<>();
        for (Entry e : entries.values()) {
            list.add(e.request);
        }
        return list;
    }

    synchronized int size() {
        return entries.size();
    }

    /** Empties the queue. @return what was waiting, oldest first */
    synchronized List<Entry> clear() {
        List<Entry> all = new ArrayList<>(entries.values());
        entries.clear();
        return all;
    }
}
