package org.p2pnet.handler.keepalive.internal;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counters of the keepalive since activation, for the log.
 *
 * @param runs           routine runs
 * @param pingsSent      PINGs this node sent (first and second ones)
 * @param pingsAnswered  PINGs of peers answered with a PONG
 * @param pongsMatched   PONGs that answered one of our PINGs
 * @param meanRttMillis  mean round trip of the matched PONGs (0 before the first)
 * @param suspected      channels that missed one PING and got a second
 * @param cleared        pinged or suspect channels that answered (anything) in time
 * @param closed         channels closed with IDLE_TIMEOUT after two unanswered PINGs
 * @param ignored        PINGs and PONGs not used, by reason
 * @param tracked        channels the routine tracks now
 */
record KeepaliveStats(long runs, long pingsSent, long pingsAnswered, long pongsMatched, long meanRttMillis,
                      long suspected, long cleared, long closed, Map<Ignored, Long> ignored, int tracked) {
    KeepaliveStats {
        Map<Ignored, Long> ordered = new EnumMap<>(Ignored.class);
        ordered.putAll(ignored);
        ignored = Collections.unmodifiableMap(ordered);
    }

    /** True when every counter but {@link #runs} and {@link #tracked} is the same. */
    boolean sameCounters(KeepaliveStats o) {
        return pingsSent == o.pingsSent && pingsAnswered == o.pingsAnswered && pongsMatched == o.pongsMatched
                && suspected == o.suspected && cleared == o.cleared && closed == o.closed && ignored.equals(o.ignored);
    }

    @Override
    public String toString() {
        return "sent " + pingsSent + " PINGs, answered " + pingsAnswered + ", " + pongsMatched + " PONGs matched (mean"
                + " round trip " + meanRttMillis + " ms), " + suspected + " suspect, " + cleared + " cleared, "
                + closed + " closed as dead; ignored " + ignored + "; tracking " + tracked + " channels, " + runs
                + " runs";
    }
}
