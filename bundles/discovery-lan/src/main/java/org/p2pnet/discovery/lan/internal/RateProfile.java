package org.p2pnet.discovery.lan.internal;

import java.time.Duration;

/**
 * How long to wait between announcements (P2PNet's broadcast rate): a wave between the minimum
 * and maximum interval, {@code min + (max - min) * (1 - cos(2πt / period)) / 2}, so the minimum at
 * t = 0 (a node that just started announces often) and the maximum at half a period; then times
 * {@code 1 + jitter * u} for a random {@code u} in [-1, 1], so nodes started together drift apart;
 * then, for {@code throttleDuration} after a new peer was dialled, times {@code throttleFactor}
 * (P2PNet's AutoThrottleOnConnect). Pure: the caller passes the time and the random number.
 */
record RateProfile(long minMillis, long maxMillis, long periodMillis, double jitter, boolean throttleOnConnect,
                   double throttleFactor, long throttleMillis) {

    /**
     * @param sinceStartMillis time since the service started
     * @param random           uniform in [-1, 1]
     * @param throttled        whether a new peer was dialled less than {@code throttleMillis} ago
     */
    Duration interval(long sinceStartMillis, double random, boolean throttled) {
        double phase = 2 * Math.PI * Math.floorMod(sinceStartMillis, periodMillis) / periodMillis;
        double wave = minMillis + (maxMillis - minMillis) * (1 - Math.cos(phase)) / 2;
        double u = Math.max(-1, Math.min(1, random));
        double jittered = wave * (1 + jitter * u);
        if (throttled && throttleOnConnect) {
            jittered *= throttleFactor;
        }
        return Duration.ofMillis(Math.max(1, Math.round(jittered)));
    }

    /** The wave alone, without jitter or throttle: what {@code p2p:discovery} shows as the current interval. */
    Duration baseInterval(long sinceStartMillis, boolean throttled) {
        return interval(sinceStartMillis, 0, throttled);
    }
}
