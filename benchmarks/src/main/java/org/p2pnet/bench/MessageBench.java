package org.p2pnet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.p2pnet.bench.messages.ChildResult;
import org.p2pnet.bench.messages.Driver;
import org.p2pnet.bench.messages.JGroupsSystem;
import org.p2pnet.bench.messages.MessageSystem;
import org.p2pnet.bench.messages.P2pnetSystem;
import org.p2pnet.bench.messages.RawSocketSystem;

/**
 * Message rate and ping-pong latency of 100-byte messages on one channel (issue 9): p2pnet in
 * plaintext and over TLS 1.3, JGroups 5.4 with its stock TCP stack, and a raw-socket baseline with
 * p2pnet's framing, side by side in one run. Writes {@code <out>/messages.json}.
 *
 * <p><b>Isolation.</b> Each system runs in a child JVM of its own (this main started again with
 * {@code --child <system>}: the same java binary, classpath and JVM flags for every system, a
 * fixed 512 MiB heap), one system after another, never two at once. A child holds both ends of
 * the system's one channel, talking over 127.0.0.1, and writes its figures as JSON to a file the
 * parent names; the parent merges them. A child that does not finish in time is destroyed, and so
 * is a running child when the parent exits.
 *
 * <p><b>Systems</b> (see each class for the details): {@link P2pnetSystem} (two real nodes, node B
 * connected to node A, MessagePacket with a 100-character ASCII text, the sender waiting on
 * {@code whenWritable()} while the channel is not writable), {@link JGroupsSystem} (two JChannel
 * members, the stock tcp.xml with loopback substitutions only, unicast BytesMessage of 100 bytes,
 * paced by JGroups' own flow control) and {@link RawSocketSystem} (blocking sockets, buffered
 * streams, 4-byte length + the exact bytes p2pnet writes for the MESSAGE; no parse: the machine's
 * limit, not a messaging system).
 *
 * <p><b>What is measured</b> is described in {@link Driver}: after an uncounted warm-up,
 * msgs/s = received / (first send to last receipt) over bursts of M messages, and ping-pong round
 * trips (one message in flight) giving p50/p99/p99.9 in µs; {@code --runs} measured runs of each,
 * in the same JVM.
 */
public final class MessageBench {
    static final String NAME = "messages";
    static final String RATE = "messages/s";
    static final String P50 = "latency p50 (µs)";
    static final String P99 = "latency p99 (µs)";
    static final String P999 = "latency p999 (µs)";

    /** System keys for --systems and --child, in run order. */
    static final List<String> KEYS = List.of("p2pnet", "p2pnet-tls", "jgroups", "raw");
    static final List<String> JVM_FLAGS = List.of("-Xms512m", "-Xmx512m", "-Djava.net.preferIPv4Stack=true",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile Process running;

    private MessageBench() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the bench (or, with --child, one system); returns the exit code. */
    public static int run(String[] args) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(usage());
            return 2;
        }
        if (o.help) {
            System.out.println(usage());
            return 0;
        }
        try {
            if (o.child != null) {
                runChild(o);
            } else {
                runParent(o, args);
            }
            return 0;
        } catch (Exception e) {
            System.err.println("error: " + e.getMessage());
            e.printStackTrace();
            return 1;
        }
    }

    static String usage() {
        return """
                usage: MessageBench --out DIR [--runs N] [--quick] [--messages M] [--round-trips K]
                                    [--systems p2pnet,p2pnet-tls,jgroups,raw] [--jfr DIR] [--help]
                  --out DIR        write DIR/messages.json
                  --runs N         measured runs per system (default 3)
                  --quick          tiny sizes for a smoke test (M 5,000, K 1,000, 1 run)
                  --messages M     messages per measured rate run (default 500,000; 20 s limit)
                  --round-trips K  round trips per measured latency run (default 50,000; 20 s limit)
                  --systems LIST   which systems, comma-separated (default all, in this order)
                  --jfr DIR        record each child with JFR (settings=profile) into DIR/<system>.jfr
                Each system runs in a child JVM of its own (%s), one after another.
                """.formatted(String.join(" ", JVM_FLAGS));
    }

    // ---- parent

    private static void runParent(Options o, String[] args) throws Exception {
        if (o.out == null) {
            throw new IllegalArgumentException("--out DIR is required");
        }
        Driver.Plan plan = o.plan();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String classpath = System.getProperty("java.class.path");
        Thread hook = new Thread(() -> {
            Process p = running;
            if (p != null) {
                p.destroyForcibly();
            }
        }, "message-bench-children");
        Runtime.getRuntime().addShutdownHook(hook);
        List<ChildResult> results = new ArrayList<>();
        Path work = Files.createTempDirectory("message-bench");
        try {
            for (String key : o.systems) {
                results.add(runChildJvm(java, classpath, key, o, plan, work));
            }
        } finally {
            Process p = running;
            if (p != null) {
                p.destroyForcibly();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException exiting) {
                // the JVM is shutting down: the hook runs anyway
            }
            try (var files = Files.list(work)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(work);
        }
        Results.Bench bench = merge(results, o, plan, args);
        Path file = Results.write(o.out, bench);
        for (String note : bench.notes()) {
            System.err.println("==> note: " + note);
        }
        System.err.println("==> wrote " + file);
    }

    private static ChildResult runChildJvm(Path java, String classpath, String key, Options o, Driver.Plan plan,
                                           Path work) throws Exception {
        Path resultFile = work.resolve(key + ".json");
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(JVM_FLAGS);
        if (o.jfr != null) {
            Files.createDirectories(o.jfr);
            cmd.add("-XX:StartFlightRecording=filename=" + o.jfr.resolve(key + ".jfr").toAbsolutePath()
                    + ",settings=profile");
        }
        cmd.addAll(List.of("-cp", classpath, MessageBench.class.getName(), "--child", key,
                "--result", resultFile.toString(), "--runs", Integer.toString(plan.runs()),
                "--messages", Long.toString(plan.messages()), "--round-trips", Integer.toString(plan.roundTrips())));
        if (o.quick) {
            cmd.add("--quick");
        }
        long timeoutSeconds = 90 + (plan.warmupMillis() + 2 * plan.latencyLimitMillis()
                + plan.runs() * (plan.rateLimitMillis() + plan.latencyLimitMillis())) / 1000;
        System.err.println("==> " + key + ": child JVM (timeout " + timeoutSeconds + " s)");
        long started = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        running = p;
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new IllegalStateException(key + ": the child JVM did not finish within " + timeoutSeconds
                        + " s and was destroyed");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(key + ": the child JVM failed with exit code " + p.exitValue());
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            running = null;
        }
        System.err.printf(Locale.ROOT, "==> %s: child JVM done in %.1f s%n", key, (System.nanoTime() - started) / 1e9);
        if (!Files.exists(resultFile)) {
            throw new IllegalStateException(key + ": the child JVM wrote no result");
        }
        return JSON.readValue(resultFile.toFile(), ChildResult.class);
    }

    static Results.Bench merge(List<ChildResult> results, Options o, Driver.Plan plan, String[] args) {
        Results.Builder b = new Results.Builder(NAME,
                "Message rate and ping-pong latency: 100-byte messages on one loopback channel",
                "java -cp benchmarks/target/classes:$(cat benchmarks/target/bench-classpath.txt) "
                        + MessageBench.class.getName() + " " + String.join(" ", args));
        for (ChildResult r : results) {
            b.figure(RATE, r.system(), "msgs/s", true);
        }
        for (String q : List.of(P50, P99, P999)) {
            for (ChildResult r : results) {
                b.figure(q, r.system(), "µs", false);
            }
        }
        Map<String, Object> chart = new LinkedHashMap<>();
        for (ChildResult r : results) {
            r.rate().forEach(v -> b.add(RATE, r.system(), v));
            r.p50().forEach(v -> b.add(P50, r.system(), v));
            r.p99().forEach(v -> b.add(P99, r.system(), v));
            r.p999().forEach(v -> b.add(P999, r.system(), v));
            chart.put(r.system(), r.percentiles());
            r.notes().forEach(b::note);
        }
        b.setup("Each system in a child JVM of its own, one after another (never two at once), the same for all: "
                        + String.join(" ", JVM_FLAGS) + "; both ends of its one channel in that JVM, over 127.0.0.1",
                "Payload: 100 ASCII characters (p2pnet: the text of a MessagePacket; JGroups: a 100-byte array;"
                        + " raw socket: the bytes p2pnet writes for that MessagePacket)",
                String.format(Locale.ROOT, "Rate: warm-up of up to %,d messages or %,d ms (not counted), then %,d"
                                + " messages per run sent back to back (stop sending at %,d ms), paced only by the"
                                + " system's own back-pressure; msgs/s = received / (first send to last receipt)",
                        plan.warmupMessages(), plan.warmupMillis(), plan.messages(), plan.rateLimitMillis()),
                String.format(Locale.ROOT, "Latency: ping-pong, one message in flight, member 2 answers each with a"
                                + " 100-byte message; %,d round trips warm-up (not counted), then %,d per run (limit %,d"
                                + " ms); System.nanoTime round trips, nearest-rank p50/p99/p99.9",
                        plan.warmupRoundTrips(), plan.roundTrips(), plan.latencyLimitMillis()),
                plan.runs() + " measured run(s) of each phase per system, in the same child JVM; the waiting"
                        + " thread is woken by LockSupport.unpark from the receive path, the same for every system");
        Set<String> lines = new LinkedHashSet<>();
        results.forEach(r -> lines.addAll(r.setup()));
        lines.forEach(b::setup);
        b.extra("latencyPercentilesMicros", chart);
        b.extra("plan", plan);
        Results.Bench partial = b.build();
        ratios(partial, results).forEach(b::note);
        return b.build();
    }

    /** p2pnet against JGroups, medians, as the targets state them. */
    private static List<String> ratios(Results.Bench bench, List<ChildResult> results) {
        List<String> out = new ArrayList<>();
        String jgroups = new JGroupsSystem().name();
        if (results.stream().noneMatch(r -> r.system().equals(jgroups))) {
            return out;
        }
        for (ChildResult r : results) {
            if (!r.system().startsWith("p2pnet")) {
                continue;
            }
            double rate = bench.figure(RATE, r.system()).median() / bench.figure(RATE, jgroups).median();
            double p99 = bench.figure(P99, r.system()).median() / bench.figure(P99, jgroups).median();
            out.add(String.format(Locale.ROOT, "%s vs %s (medians): messages/s x%.2f (target >= 2: %s),"
                            + " p99 x%.2f (target <= 1: %s)", r.system(), jgroups, rate, rate >= 2 ? "met" : "not met",
                    p99, p99 <= 1 ? "met" : "not met"));
        }
        return out;
    }

    // ---- child

    private static void runChild(Options o) throws Exception {
        if (o.result == null) {
            throw new IllegalArgumentException("--child needs --result FILE");
        }
        ChildResult result;
        try (MessageSystem system = system(o.child)) {
            result = new Driver(system, o.plan()).run();
        }
        JSON.writeValue(o.result.toFile(), result);
    }

    static MessageSystem system(String key) {
        return switch (key) {
            case "p2pnet" -> new P2pnetSystem(false);
            case "p2pnet-tls" -> new P2pnetSystem(true);
            case "jgroups" -> new JGroupsSystem();
            case "raw" -> new RawSocketSystem();
            default -> throw new IllegalArgumentException("unknown system '" + key + "', expected one of " + KEYS);
        };
    }

    // ---- options

    static final class Options {
        Path out;
        Path jfr;
        Path result;
        String child;
        boolean quick;
        boolean help;
        Integer runs;
        Long messages;
        Integer roundTrips;
        List<String> systems = KEYS;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--out" -> o.out = Path.of(value(args, ++i, a));
                    case "--jfr" -> o.jfr = Path.of(value(args, ++i, a));
                    case "--result" -> o.result = Path.of(value(args, ++i, a));
                    case "--child" -> o.child = value(args, ++i, a);
                    case "--quick" -> o.quick = true;
                    case "--help", "-h" -> o.help = true;
                    case "--runs" -> o.runs = (int) positive(args, ++i, a);
                    case "--messages" -> o.messages = positive(args, ++i, a);
                    case "--round-trips" -> o.roundTrips = (int) positive(args, ++i, a);
                    case "--systems" -> {
                        List<String> list = new ArrayList<>();
                        for (String s : value(args, ++i, a).split(",")) {
                            String key = s.trim();
                            if (!KEYS.contains(key)) {
                                throw new IllegalArgumentException("unknown system '" + key + "', expected " + KEYS);
                            }
                            list.add(key);
                        }
                        o.systems = List.copyOf(list);
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
                }
            }
            if (o.child != null && !KEYS.contains(o.child)) {
                throw new IllegalArgumentException("unknown system '" + o.child + "', expected one of " + KEYS);
            }
            return o;
        }

        Driver.Plan plan() {
            int n = runs != null ? runs : quick ? 1 : 3;
            if (quick) {
                return new Driver.Plan(2_000, 1_000, messages != null ? messages : 5_000, 5_000,
                        200, roundTrips != null ? roundTrips : 1_000, 5_000, n);
            }
            return new Driver.Plan(200_000, 8_000, messages != null ? messages : 500_000, 20_000,
                    20_000, roundTrips != null ? roundTrips : 50_000, 20_000, n);
        }

        private static String value(String[] args, int i, String name) {
            if (i >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return args[i];
        }

        private static long positive(String[] args, int i, String name) {
            String v = value(args, i, name);
            try {
                long n = Long.parseLong(v.replace("_", "").replace(",", ""));
                if (n <= 0 || n > Integer.MAX_VALUE) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " needs a positive number, got '" + v + "'");
            }
        }
    }
}
