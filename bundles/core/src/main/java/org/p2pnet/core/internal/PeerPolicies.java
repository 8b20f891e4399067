package org.p2pnet.core.internal;

import java.net.InetAddress;
import java.util.Optional;
import java.util.function.Function;

import org.osgi.framework.ServiceReference;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.trust.Admission;
import org.p2pnet.api.trust.IncomingPeerPolicy;
import org.p2pnet.api.trust.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link IncomingPeerPolicy} whiteboard: the highest-ranked policy (then the lowest service
 * id) decides. With none bound, or when it cannot be obtained, every check allows; the core then
 * fails closed (see {@link #isEmpty()}). A policy whose check throws is logged (once a minute at
 * most) and its check counts as allowed; one whose {@link IncomingPeerPolicy#admission} throws
 * gives {@link Admission#FAIL_CLOSED}.
 */
final class PeerPolicies {
    private static final Logger LOG = LoggerFactory.getLogger(PeerPolicies.class);
    private static final long FAILURE_LOG_INTERVAL_NANOS = 60_000_000_000L;

    private final Ranked<IncomingPeerPolicy> policies = new Ranked<>();
    private volatile long lastFailureLogged = System.nanoTime() - 2 * FAILURE_LOG_INTERVAL_NANOS;

    void add(LazyService<IncomingPeerPolicy> policy, ServiceReference<?> ref) {
        policies.add(policy, ref);
    }

    void remove(ServiceReference<?> ref) {
        policies.remove(ref);
    }

    /** A ranking change: the policy is filed under its new key (added first, so no check finds none). */
    void update(LazyService<IncomingPeerPolicy> policy, ServiceReference<?> ref) {
        policies.update(policy, ref);
    }

    /** True when no policy is bound: every check allows, and the core fails closed. */
    boolean isEmpty() {
        return policies.isEmpty();
    }

    /** The policy in force for people (class and bundle), empty when none. */
    Optional<String> describe() {
        return policies.describe();
    }

    /** Asked at accept time and before dialling an IP literal. */
    Verdict checkAddress(InetAddress remote) {
        return ask(p -> p.checkAddress(remote), remote);
    }

    /** Asked after a verified IDENTITY, before the channel is registered. */
    Verdict checkPeer(PeerId peer, InetAddress remote, ChannelDirection direction) {
        return ask(p -> p.checkPeer(peer, remote, direction), peer.shortForm() + " at " + remote);
    }

    /**
     * How a channel that passed {@link #checkPeer} starts, per the highest-ranked policy.
     * {@link Admission#FAIL_CLOSED} when no policy can be obtained, when it throws, or when it
     * answers null.
     */
    Admission admission(PeerId peer, InetAddress remote, ChannelDirection direction) {
        Optional<IncomingPeerPolicy> first = policies.first();
        if (first.isEmpty()) {
            return Admission.FAIL_CLOSED;
        }
        IncomingPeerPolicy policy = first.get();
        try {
            Admission admission = policy.admission(peer, remote, direction);
            if (admission == null) {
                failed(policy, "admission of " + peer.shortForm(), new NullPointerException("null admission"),
                        "applied FAIL_CLOSED");
                return Admission.FAIL_CLOSED;
            }
            return admission;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            failed(policy, "admission of " + peer.shortForm() + " at " + remote, t, "applied FAIL_CLOSED");
            return Admission.FAIL_CLOSED;
        }
    }

    private Verdict ask(Function<IncomingPeerPolicy, Verdict> question, Object about) {
        Optional<IncomingPeerPolicy> first = policies.first();
        if (first.isEmpty()) {
            return Verdict.ALLOW;
        }
        IncomingPeerPolicy policy = first.get();
        try {
            Verdict verdict = question.apply(policy);
            return verdict == null ? Verdict.ALLOW : verdict;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            failed(policy, about, t, "allowed it");
            return Verdict.ALLOW;
        }
    }

    private void failed(IncomingPeerPolicy policy, Object about, Throwable t, String outcome) {
        long now = System.nanoTime();
        long last = lastFailureLogged;
        if (now - last >= FAILURE_LOG_INTERVAL_NANOS) {
            lastFailureLogged = now;
            LOG.error("Incoming peer policy {} failed on {}; {}", policy, about, outcome, t);
        }
    }
}
