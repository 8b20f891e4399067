package org.p2pnet.bench.messages;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the two phases against one {@link MessageSystem} in this JVM and collects a
 * {@link ChildResult}. Every system goes through exactly the same code.
 *
 * <p><b>Rate.</b> A warm-up burst (not counted) of up to {@code warmupMessages} or
 * {@code warmupMillis}, whichever ends first, then {@code runs} measured bursts of {@code messages}
 * each: member 1 sends them back to back as fast as the system lets it (only the system's own
 * back-pressure paces it), member 2 counts. msgs/s = messages received / (time from the first send
 * to the receipt of the last one). A burst stops sending at {@code rateLimitMillis}; then only what
 * was sent is waited for, and a note says so.
 *
 * <p><b>Latency.</b> Ping-pong with one message in flight: member 1 sends, member 2 answers each
 * with a message of the same size, member 1's thread waits (parked, woken by the answer) and takes
 * the round trip with System.nanoTime. {@code warmupRoundTrips} first (not counted), then
 * {@code runs} measured runs of {@code roundTrips} each (a run stops at {@code latencyLimitMillis});
 * p50/p99/p99.9 per run in µs (nearest rank).
 */
public final class Driver {
    /** How long a message of a finished burst may still take to arrive before the run fails. */
    private static final long DRAIN_NANOS = 60_000_000_000L;
    /** How long one answer may take before the run fails. */
    private static final long PONG_TIMEOUT_NANOS = 10_000_000_000L;
    private static final double[] CHART_PERCENTILES = {1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.99};

    /** How much to send. */
    public record Plan(long warmupMessages, long warmupMillis, long messages, long rateLimitMillis,
                      int warmupRoundTrips, int roundTrips, long latencyLimitMillis, int runs) {
    }

    private final MessageSystem system;
    private final Plan plan;
    private final Traffic traffic = new Traffic();
    private final List<String> notes = new ArrayList<>();
    private long seq;

    public Driver(MessageSystem system, Plan plan) {
        this.system = system;
        this.plan = plan;
    }

    public ChildResult run() throws Exception {
        progress("opening " + system.name());
        system.open(traffic);
        List<Double> rate = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> p999 = new ArrayList<>();
        Map<String, Double> chart = new LinkedHashMap<>();

        traffic.echo(false);
        Burst warm = burst(plan.warmupMessages(), plan.warmupMillis());
        progress(String.format(Locale.ROOT, "%s rate warm-up: %,d messages, %,.0f msgs/s (not counted)",
                system.name(), warm.received, warm.rate()));
        if (warm.sent < plan.warmupMessages()) {
            notes.add(String.format(Locale.ROOT, "%s rate warm-up: stopped at the %d ms limit after %,d of %,d"
                    + " messages; the measured runs may still include warming up", system.name(),
                    plan.warmupMillis(), warm.sent, plan.warmupMessages()));
        }
        for (int r = 1; r <= plan.runs(); r++) {
            Burst b = burst(plan.messages(), plan.rateLimitMillis());
            if (b.sent < plan.messages()) {
                notes.add(String.format(Locale.ROOT, "%s rate run %d: stopped sending at the %d ms limit after %,d of"
                        + " %,d messages", system.name(), r, plan.rateLimitMillis(), b.sent, plan.messages()));
            }
            rate.add(b.rate());
            progress(String.format(Locale.ROOT, "%s rate run %d/%d: %,d messages in %.3f s = %,.0f msgs/s",
                    system.name(), r, plan.runs(), b.received, b.nanos / 1e9, b.rate()));
        }

        traffic.echo(true);
        pingPong(plan.warmupRoundTrips(), plan.latencyLimitMillis());
        progress(system.name() + " latency warm-up: " + plan.warmupRoundTrips() + " round trips (not counted)");
        for (int r = 1; r <= plan.runs(); r++) {
            long[] rtts = pingPong(plan.roundTrips(), plan.latencyLimitMillis());
            if (rtts.length < plan.roundTrips()) {
                notes.add(String.format(Locale.ROOT, "%s latency run %d: stopped at the %d ms limit after %,d of %,d"
                        + " round trips", system.name(), r, plan.latencyLimitMillis(), rtts.length, plan.roundTrips()));
            }
            Arrays.sort(rtts);
            p50.add(micros(rtts, 50));
            p99.add(micros(rtts, 99));
            p999.add(micros(rtts, 99.9));
            progress(String.format(Locale.ROOT, "%s latency run %d/%d: %,d round trips, p50 %.1f µs, p99 %.1f µs,"
                    + " p99.9 %.1f µs", system.name(), r, plan.runs(), rtts.length, micros(rtts, 50), micros(rtts, 99),
                    micros(rtts, 99.9)));
            if (r == plan.runs()) {
                for (double p : CHART_PERCENTILES) {
                    chart.put("p" + trim(p), micros(rtts, p));
                }
                chart.put("max", rtts[rtts.length - 1] / 1000.0);
            }
        }
        traffic.echo(false);
        if (system instanceof P2pnetSystem p && p.writableWaits() > 0) {
            notes.add(String.format(Locale.ROOT, "%s: the sender waited on whenWritable() %,d times in all",
                    system.name(), p.writableWaits()));
        }
        List<String> setup = new ArrayList<>(system.describe());
        return new ChildResult(system.name(), setup, rate, p50, p99, p999, chart, notes);
    }

    private record Burst(long sent, long received, long nanos) {
        double rate() {
            return nanos <= 0 ? 0 : received * 1e9 / nanos;
        }
    }

    /** Sends up to {@code count} messages within {@code limitMillis}, waits for all of them, times it. */
    private Burst burst(long count, long limitMillis) throws Exception {
        traffic.arm(count);
        long start = System.nanoTime();
        long stopSending = start + limitMillis * 1_000_000L;
        long sent = 0;
        while (sent < count) {
            system.send(seq++);
            sent++;
            if ((sent & 1023) == 0 && System.nanoTime() > stopSending) {
                break;
            }
        }
        system.flush();
        if (sent < count) {
            traffic.retarget(sent);
        }
        long end = traffic.awaitAll(Math.max(stopSending, System.nanoTime()) + DRAIN_NANOS);
        if (end == 0) {
            throw new IllegalStateException(system.name() + ": only " + traffic.receivedCount() + " of " + sent
                    + " messages arrived within " + DRAIN_NANOS / 1_000_000_000L + " s of the end of the burst");
        }
        long received = traffic.receivedCount();
        if (received != sent) {
            throw new IllegalStateException(system.name() + ": " + received + " messages counted for " + sent + " sent");
        }
        return new Burst(sent, received, end - start);
    }

    /** Up to {@code count} round trips within {@code limitMillis}; the round trip times in ns. */
    private long[] pingPong(int count, long limitMillis) throws Exception {
        traffic.startPings();
        long[] rtts = new long[count];
        long stop = System.nanoTime() + limitMillis * 1_000_000L;
        int done = 0;
        while (done < count) {
            long t0 = System.nanoTime();
            system.send(seq++);
            system.flush();
            if (!traffic.awaitPongs(done + 1, t0 + PONG_TIMEOUT_NANOS)) {
                throw new IllegalStateException(system.name() + ": no answer to ping " + (done + 1) + " within "
                        + PONG_TIMEOUT_NANOS / 1_000_000_000L + " s");
            }
            long t1 = System.nanoTime();
            rtts[done++] = t1 - t0;
            if (t1 > stop) {
                break;
            }
        }
        if (traffic.pongCount() != done) {
            throw new IllegalStateException(system.name() + ": " + traffic.pongCount() + " answers for " + done + " pings");
        }
        return Arrays.copyOf(rtts, done);
    }

    /** Nearest-rank percentile of sorted nanosecond values, in µs. */
    static double micros(long[] sorted, double percentile) {
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        int index = Math.min(sorted.length - 1, Math.max(0, rank - 1));
        return sorted[index] / 1000.0;
    }

    private static String trim(double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }

    static void progress(String line) {
        System.err.println("==> " + line);
    }
}
