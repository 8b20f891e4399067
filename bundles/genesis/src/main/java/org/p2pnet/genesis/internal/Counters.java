package org.p2pnet.genesis.internal;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests by endpoint, method and status; rejections by error code; requests per second over the
 * last minute. Counting a request allocates nothing: the keys are fixed sets (a client's path or
 * method never becomes a key), and the per-second rate comes from samples of the total taken by
 * the service's timer once a second, not from per-request bookkeeping.
 */
final class Counters {
    private static final Logger LOG = LoggerFactory.getLogger(Counters.class);

    /** Every status this server answers with; anything else would be counted as 500. */
    private static final int[] STATUSES = {200, 400, 404, 405, 413, 415, 429, 500};
    /** Methods counted by name; anything else is OTHER. */
    private static final String[] METHODS = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "OTHER"};
    /** Samples kept for the rate: one a second, so 61 of them span the last minute. */
    private static final int SAMPLES = 61;

    private final LongAdder[] requests = new LongAdder[Endpoint.values().length * METHODS.length * STATUSES.length];
    private final LongAdder total = new LongAdder();
    private final Map<ErrorCode, LongAdder> rejections = new EnumMap<>(ErrorCode.class);
    private final Map<ErrorCode, AtomicBoolean> logged = new EnumMap<>(ErrorCode.class);

    /** Ring of (time, total) samples, guarded by this. */
    private final long[] sampleMillis = new long[SAMPLES];
    private final long[] sampleTotals = new long[SAMPLES];
    private int samples;
    private int next;

    Counters() {
        for (int i = 0; i < requests.length; i++) {
            requests[i] = new LongAdder();
        }
        for (ErrorCode code : ErrorCode.values()) {
            rejections.put(code, new LongAdder());
            logged.put(code, new AtomicBoolean());
        }
    }

    /** Counts one answered request. */
    void request(Endpoint endpoint, String method, int status) {
        requests[(endpoint.ordinal() * METHODS.length + methodIndex(method)) * STATUSES.length + statusIndex(status)]
                .increment();
        total.increment();
    }

    /**
     * Counts a refusal; the first of each code since activation is logged (WARN; ERROR with the
     * cause for {@link ErrorCode#INTERNAL}), later ones are only counted.
     */
    void rejected(ErrorCode code, String source, String message, Throwable cause) {
        rejections.get(code).increment();
        if (logged.get(code).compareAndSet(false, true)) {
            String line = "genesis: refused a request from {} with {}: {} (further {} refusals are only counted;"
                    + " see the dashboard or GenesisServer.status())";
            String printableMessage = Printable.of(message, Printable.LINE);
            if (code == ErrorCode.INTERNAL) {
                LOG.error(line, Printable.of(source), code.code(), printableMessage, code.code(), cause);
            } else {
                LOG.warn(line, Printable.of(source), code.code(), printableMessage, code.code());
            }
        }
    }

    long rejections(ErrorCode code) {
        return rejections.get(code).sum();
    }

    long total() {
        return total.sum();
    }

    /** Non-zero request counts by {@code "METHOD /path STATUS"}, e.g. {@code "POST /peers 200"}. */
    Map<String, Long> requests() {
        Map<String, Long> map = new TreeMap<>();
        for (Endpoint endpoint : Endpoint.values()) {
            for (int m = 0; m < METHODS.length; m++) {
                for (int s = 0; s < STATUSES.length; s++) {
                    long n = requests[(endpoint.ordinal() * METHODS.length + m) * STATUSES.length + s].sum();
                    if (n > 0) {
                        map.put(METHODS[m] + " " + endpoint.label() + " " + STATUSES[s], n);
                    }
                }
            }
        }
        return map;
    }

    /** Non-zero rejection counts by error code. */
    Map<String, Long> rejections() {
        Map<String, Long> map = new TreeMap<>();
        rejections.forEach((code, n) -> {
            if (n.sum() > 0) {
                map.put(code.code(), n.sum());
            }
        });
        return map;
    }

    /** Takes a sample of the total; the service's timer calls this once a second. */
    synchronized void sample(long nowMillis) {
        sampleMillis[next] = nowMillis;
        sampleTotals[next] = total.sum();
        next = (next + 1) % SAMPLES;
        samples = Math.min(samples + 1, SAMPLES);
    }

    /** Requests per second between the oldest and the newest sample (up to the last minute); 0 before two samples. */
    synchronized double requestsPerSecond() {
        if (samples < 2) {
            return 0;
        }
        int newest = (next - 1 + SAMPLES) % SAMPLES;
        int oldest = (next - samples + SAMPLES) % SAMPLES;
        long millis = sampleMillis[newest] - sampleMillis[oldest];
        return millis <= 0 ? 0 : (sampleTotals[newest] - sampleTotals[oldest]) * 1000.0 / millis;
    }

    private static int methodIndex(String method) {
        for (int i = 0; i < METHODS.length - 1; i++) {
            if (METHODS[i].equals(method)) {
                return i;
            }
        }
        return METHODS.length - 1;
    }

    private static int statusIndex(int status) {
        for (int i = 0; i < STATUSES.length; i++) {
            if (STATUSES[i] == status) {
                return i;
            }
        }
        return STATUSES.length - 1;
    }
}
