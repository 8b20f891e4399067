package org.p2pnet.core.internal;

import java.net.InetAddress;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;

import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.trust.IncomingPeerPolicy;
import org.p2pnet.api.trust.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link IncomingPeerPolicy} whiteboard: the highest-ranked policy (then the lowest service
 * id) decides. With none bound, or when it cannot be obtained, every peer is allowed. A policy
 * that throws is logged (once a minute at most) and its check counts as allowed.
 */
final class PeerPolicies {
    private static final Logger LOG = LoggerFactory.getLogger(PeerPolicies.class);
    private static final long FAILURE_LOG_INTERVAL_NANOS = 60_000_000_000L;

    /** Ranking then id of a policy service; the first key decides. */
    private record Key(int ranking, long serviceId) {
        static final Comparator<Key> PRECEDENCE = Comparator.comparingInt(Key::ranking).reversed()
                .thenComparingLong(Key::serviceId);
    }

    private final Map<Key, LazyService<IncomingPeerPolicy>> policies = new ConcurrentSkipListMap<>(Key.PRECEDENCE);
    private volatile long lastFailureLogged = System.nanoTime() - 2 * FAILURE_LOG_INTERVAL_NANOS;

    void add(LazyService<IncomingPeerPolicy> policy, ServiceReference<?> ref) {
        policies.put(keyOf(ref), policy);
    }

    void remove(ServiceReference<?> ref) {
        long id = HandlerEntry.serviceId(ref);
        policies.keySet().removeIf(k -> k.serviceId() == id);
    }

    /** A ranking change: the policy is filed under its new key (added first, so no check finds none). */
    void update(LazyService<IncomingPeerPolicy> policy, ServiceReference<?> ref) {
        Key key = keyOf(ref);
        policies.put(key, policy);
        policies.keySet().removeIf(k -> k.serviceId() == key.serviceId() && !k.equals(key));
    }

    private static Key keyOf(ServiceReference<?> ref) {
        Object ranking = ref.getProperty(Constants.SERVICE_RANKING);
        return new Key(ranking instanceof Integer r ? r : 0, HandlerEntry.serviceId(ref));
    }

    /** True when no policy is bound: every check allows. */
    boolean isEmpty() {
        return policies.isEmpty();
    }

    /** Asked at accept time and before dialling an IP literal. */
    Verdict checkAddress(InetAddress remote) {
        return ask(p -> p.checkAddress(remote), remote);
    }

    /** Asked after a verified IDENTITY, before the channel is registered. */
    Verdict checkPeer(PeerId peer, InetAddress remote, ChannelDirection direction) {
        return ask(p -> p.checkPeer(peer, remote, direction), peer.shortForm() + " at " + remote);
    }

    private Verdict ask(Function<IncomingPeerPolicy, Verdict> question, Object about) {
        for (LazyService<IncomingPeerPolicy> lazy : policies.values()) {
            IncomingPeerPolicy policy = lazy.get();
            if (policy == null) {
                continue;
            }
            try {
                Verdict verdict = question.apply(policy);
                return verdict == null ? Verdict.ALLOW : verdict;
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                long now = System.nanoTime();
                if (now - lastFailureLogged >= FAILURE_LOG_INTERVAL_NANOS) {
                    lastFailureLogged = now;
                    LOG.error("Incoming peer policy {} failed on {}; allowed it", policy, about, t);
                }
                return Verdict.ALLOW;
            }
        }
        return Verdict.ALLOW;
    }
}
