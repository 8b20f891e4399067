package org.p2pnet.bench;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.p2pnet.api.PeerId;
import org.p2pnet.bench.idle.IdleClients;
import org.p2pnet.bench.idle.NodeMain;
import org.p2pnet.bench.idle.NodeProcess;
import org.p2pnet.bench.idle.PeerKeys;

/**
 * How many idle channels one node holds, and what each costs it in heap (issue 9: "10,000 idle
 * channels on one node with &lt; 200 MiB of heap", "&lt; 20 KiB each").
 *
 * <p>The node under test is a {@link org.p2pnet.core.internal.BenchNode} (core + channel-tcp) in
 * a JVM of its own ({@link NodeMain}, this main re-launched with {@code --node}), started with
 * {@code -Xmx200m}: a run that completes proves the channels fit in 200 MiB of heap. Its core
 * configuration is raised for the test: maxInboundChannels N + 10 %, maxChannelsPerIp 1024 (the
 * maximum), handshakeTimeoutSeconds 60, idleTimeoutMinutes 60 (the default; a run is far shorter).
 * The clients are N idle peers in this JVM ({@link IdleClients}): each its own Ed25519 key and
 * peer id, one channel each with the node's real handshake (TLS 1.3 when on, then IDENTITY both
 * ways), one PING answered by a PONG (the node's confirmation that it accepted the IDENTITY), then
 * silence; one shared Netty event loop group, source addresses 127.0.0.2 onwards.
 *
 * <p>Per run (each on a fresh node JVM), the node measures its used heap after System.gc() until
 * stable, first with no channel (baseline), then with the N channels open once its status reports
 * them all; heap per channel = (loaded - baseline) / channels held. Also: the loaded heap, the
 * channels opened per second by the clients (first connect to the last PONG, keys and
 * certificates made beforehand), and the channels still open on the node after measuring.
 * Threads, open fds, direct memory and RSS of the node go to the extra data.
 *
 * <pre>
 * java -cp ... org.p2pnet.bench.IdleChannelsBench --out DIR [--runs N] [--channels N] [--mode both|plaintext|tls]
 *      [--concurrency N] [--deadline S] [--histogram] [--quick]
 * </pre>
 */
public final class IdleChannelsBench {
    static final String NAME = "idle-channels";
    static final String PLAINTEXT = "p2pnet plaintext";
    static final String TLS = "p2pnet TLS 1.3";
    static final String HEAP_PER_CHANNEL = "heap per channel (KiB)";
    static final String OPENED_PER_SECOND = "channels opened/s";
    static final String HELD = "channels held";
    /** Node heap limit; the budget for 10,000 channels. */
    static final String NODE_HEAP = "-Xmx200m";
    static final int PER_ADDRESS_CONCURRENCY = 12;
    static final int CLIENT_THREADS = 2;
    static final int PROGRESS_EVERY = 1000;
    static final int HISTOGRAM_LINES = 40;

    private static final String USAGE = """
            Usage: IdleChannelsBench --out DIR [--runs N] [--channels N] [--mode both|plaintext|tls]
                                     [--concurrency N] [--deadline S] [--histogram] [--quick]
              --out DIR         write DIR/idle-channels.json (the Results format the report reads)
              --runs N          runs per mode, each on a fresh node JVM (default 1)
              --channels N      idle channels to open on the node (default 10000)
              --mode M          plaintext, tls or both (default both)
              --concurrency N   handshakes in flight at once (default 128; the node admits 256)
              --deadline S      seconds allowed to open the channels of one run (default 300)
              --histogram       print the node's class histogram (top 40) while loaded, and keep it in the JSON
              --quick           smoke test: 200 channels, both modes, one run
            The node runs in its own JVM with -Xmx200m; the clients in this one.""";

    private IdleChannelsBench() {
    }

    /** A mode: its system name in the figures and whether the node runs TLS. */
    private record Mode(String system, boolean tls) {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("--node")) {
            node(args);
            return;
        }
        Cli.run("idle-channels", USAGE, () -> run(args));
    }

    /** The child JVM: {@code --node --tls B --channels N}. */
    private static void node(String[] args) {
        boolean tls = false;
        int channels = 0;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--tls" -> tls = Boolean.parseBoolean(args[i + 1]);
                case "--channels" -> channels = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown node option " + args[i]);
            }
        }
        try {
            NodeMain.run(tls, channels);
            System.exit(0);
        } catch (Exception e) {
            System.err.println("idle-channels node: failed: " + e);
            e.printStackTrace(System.err);
            System.exit(1);
        }
    }

    /** Runs the benchmark; returns the file written, or null after --help. */
    static Path run(String[] args) throws Exception {
        Path out = null;
        int runs = 1;
        int channels = 10_000;
        String mode = "both";
        int concurrency = 128;
        int deadlineSeconds = 300;
        boolean histogram = false;
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(Cli.value(args, ++i));
                case "--runs" -> runs = Cli.number(args, ++i, 1);
                case "--channels" -> channels = Cli.number(args, ++i, 1);
                case "--mode" -> mode = Cli.value(args, ++i);
                case "--concurrency" -> concurrency = Cli.number(args, ++i, 1);
                case "--deadline" -> deadlineSeconds = Cli.number(args, ++i, 1);
                case "--histogram" -> histogram = true;
                case "--quick" -> quick = true;
                case "-h", "--help" -> {
                    System.out.println(USAGE);
                    return null;
                }
                default -> throw new Cli.UsageException("unknown option '" + args[i] + "'");
            }
        }
        if (out == null) {
            throw new Cli.UsageException("--out DIR is required");
        }
        List<Mode> modes = switch (mode) {
            case "both" -> List.of(new Mode(PLAINTEXT, false), new Mode(TLS, true));
            case "plaintext" -> List.of(new Mode(PLAINTEXT, false));
            case "tls" -> List.of(new Mode(TLS, true));
            default -> throw new Cli.UsageException("--mode must be both, plaintext or tls, got '" + mode + "'");
        };
        if (quick) {
            channels = 200;
            runs = 1;
            deadlineSeconds = Math.min(deadlineSeconds, 60);
        }
        if (channels > 18_000) {
            throw new Cli.UsageException("--channels above 18000 would pass the 20000 open files of a process");
        }
        int total = channels;
        String heapLoaded = "heap used with " + channels + " channels (MiB)";
        Results.Builder bench = new Results.Builder(NAME, "Idle channels on one node: heap per channel",
                "IdleChannelsBench --channels " + channels + " --runs " + runs + (quick ? " --quick" : ""));
        for (Mode m : modes) {
            bench.figure(HEAP_PER_CHANNEL, m.system(), "KiB", false);
            bench.figure(heapLoaded, m.system(), "MiB", false);
            bench.figure(OPENED_PER_SECOND, m.system(), "channels/s", true);
            bench.figure(HELD, m.system(), "channels", true);
        }

        System.err.printf(Locale.ROOT, "==> making %d peer keys (Ed25519)%n", channels);
        PeerKeys keys = PeerKeys.generate(channels, CLIENT_THREADS);
        List<Map<String, Object>> details = new ArrayList<>();
        List<String> shortfalls = new ArrayList<>();
        String collectors = "?";
        int addresses = 0;
        Map<String, List<String>> histograms = new LinkedHashMap<>();
        for (Mode m : modes) {
            if (m.tls()) {
                System.err.printf(Locale.ROOT, "==> making %d self-signed peer certificates%n", channels);
                keys.withCertificates(CLIENT_THREADS);
            }
            for (int run = 1; run <= runs; run++) {
                String label = m.system() + " run " + run + "/" + runs;
                System.err.printf(Locale.ROOT, "==> %s: starting the node JVM (%s)%n", label, NODE_HEAP);
                try (NodeProcess node = NodeProcess.start(IdleChannelsBench.class.getName(), nodeJvmArgs(), m.tls(),
                        channels)) {
                    collectors = node.collectors();
                    NodeProcess.Measure baseline = node.measure();
                    System.err.printf(Locale.ROOT, "==> %s: baseline heap %.1f MiB, %d threads, %d fds%n", label,
                            mib(baseline.heapBytes()), baseline.threads(), baseline.fds());
                    InetSocketAddress target = new InetSocketAddress("127.0.0.1", node.port());
                    try (IdleClients clients = new IdleClients(keys, channels, m.tls(), target, PeerId.parse(node.peerId()),
                            CLIENT_THREADS)) {
                        addresses = clients.sourceAddressCount();
                        long start = System.nanoTime();
                        long clientCpu = NodeMain.processCpuNanos();
                        IdleClients.Opening opening = clients.openAll(concurrency, PER_ADDRESS_CONCURRENCY,
                                Duration.ofSeconds(deadlineSeconds), PROGRESS_EVERY, n -> System.err.printf(Locale.ROOT,
                                        "==> %s: %d/%d channels open (%.0f/s)%n", label, n, total,
                                        n * 1e9 / (System.nanoTime() - start)));
                        System.err.printf(Locale.ROOT, "==> %s: %d opened in %.1f s (%.0f/s), %d failed, %d retries%s%n",
                                label, opening.opened(), opening.nanos() / 1e9, opening.perSecond(), opening.failed(),
                                opening.retries(), opening.timedOut() ? ", deadline reached" : "");
                        if (!opening.firstFailures().isEmpty()) {
                            System.err.println("==> " + label + ": first failures: " + opening.firstFailures());
                        }
                        clientCpu = NodeMain.processCpuNanos() - clientCpu;
                        int seen = awaitInbound(node, opening.opened(), Duration.ofSeconds(60));
                        System.err.printf(Locale.ROOT, "==> %s: the node reports %d inbound channels; measuring%n",
                                label, seen);
                        NodeProcess.Measure loaded = node.measure();
                        if (histogram) {
                            List<String> top = node.histogram(HISTOGRAM_LINES);
                            System.err.println("==> " + label + ": class histogram of the node, top entries:");
                            top.forEach(System.err::println);
                            histograms.put(label, top);
                        }
                        int held = node.inbound();
                        int clientOpen = clients.open();
                        double perChannel = held == 0 ? Double.NaN
                                : (loaded.heapBytes() - baseline.heapBytes()) / (double) held / 1024;
                        System.err.printf(Locale.ROOT, "==> %s: heap %.1f MiB loaded, %.2f KiB per channel; "
                                        + "%d threads, %d fds, direct %.1f MiB, RSS %.0f MiB; %d channels held "
                                        + "(%d open on the client side); CPU per channel: node %.2f ms, clients %.2f ms%n",
                                label, mib(loaded.heapBytes()), perChannel, loaded.threads(), loaded.fds(),
                                mib(loaded.directBytes()), mib(loaded.rssBytes()), held, clientOpen,
                                (loaded.cpuNanos() - baseline.cpuNanos()) / 1e6 / Math.max(1, opening.opened()),
                                clientCpu / 1e6 / Math.max(1, opening.opened()));
                        if (held > 0) {
                            bench.add(HEAP_PER_CHANNEL, m.system(), round(perChannel));
                        }
                        bench.add(heapLoaded, m.system(), round(mib(loaded.heapBytes())));
                        bench.add(OPENED_PER_SECOND, m.system(), round(opening.perSecond()));
                        bench.add(HELD, m.system(), held);
                        details.add(detail(m, run, opening, baseline, loaded, held, clientOpen, node.rejections(), clientCpu));
                        if (held < channels) {
                            shortfalls.add(label + ": " + held + " of " + channels + " channels held"
                                    + (opening.firstFailures().isEmpty() ? "" : " (" + opening.firstFailures() + ")"));
                        }
                        System.err.printf(Locale.ROOT, "==> %s: closing %d channels and the node%n", label, clientOpen);
                    }
                }
            }
        }

        bench.setup("Node under test: BenchNode (core + channel-tcp) in its own JVM, " + NODE_HEAP + " (GC: "
                        + collectors + "); a run that completes shows the channels fit in that heap",
                "Node config: maxInboundChannels " + NodeMain.coreConfig(channels).get("maxInboundChannels")
                        + ", maxChannelsPerIp 1024, handshakeTimeoutSeconds 60, idleTimeoutMinutes 60 (default); every"
                        + " peer admitted at ENHANCED",
                "Clients: " + channels + " peers in the bench's JVM (not the node's), each its own Ed25519 key and peer id, one channel each"
                        + " (TCP connect, TLS 1.3 handshake in TLS mode, IDENTITY both ways, then one PING the node answers"
                        + " with PONG, then silence); one Netty event loop group of " + CLIENT_THREADS + " threads; source addresses 127.0.0.2-"
                        + (1 + addresses) + " (" + addresses + " addresses)",
                "Opening: at most " + concurrency + " handshakes in flight, " + PER_ADDRESS_CONCURRENCY
                        + " per source address; a refused or failed attempt is retried, " + IdleClients.class
                        .getSimpleName() + " tries each peer at most 3 times; deadline " + deadlineSeconds + " s",
                "Loopback only; node and clients share the machine's CPUs");
        bench.note("heap per channel = (used heap with the channels - used heap of the node with none) / channels"
                + " held, both read after System.gc() until two readings agree within 256 KiB. It counts everything"
                + " the node keeps per peer on the heap (channel, pipeline, TLS engine and session, core registry,"
                + " known peers); not native memory: socket buffers in the kernel, Netty's direct buffers (see extra).");
        bench.note("channels opened/s: client-side, from the first connect to the last PONG (the PING follows the"
                + " IDENTITY, so the PONG means the node accepted the channel),"
                + " at the concurrency above; keys and certificates were made beforehand. With TLS each channel costs"
                + " the node a full TLS 1.3 handshake (Ed25519 signature and verification, X25519), on the same"
                + " CPUs the clients use.");
        bench.note("channels held: the node's inbound channel count read after the loaded measurement.");
        bench.note("extra.runs has per run the node's threads, open fds, direct memory and RSS at baseline and loaded,"
                + " and the CPU time per channel opened of the node (baseline to loaded measurement, GCs included)"
                + " and of the clients: unlike channels/s, those do not depend on what else shares the CPUs.");
        if (quick) {
            bench.note("--quick: a smoke test with 200 channels; its per-channel figure carries the node's one-time"
                    + " costs and is not meaningful.");
        }
        bench.extra("runs", details);
        if (!histograms.isEmpty()) {
            bench.extra("classHistograms", histograms);
        }
        Path file = Results.write(out, bench.build());
        System.err.println("==> wrote " + file);
        if (!shortfalls.isEmpty()) {
            throw new IllegalStateException("not every channel was held: " + String.join("; ", shortfalls));
        }
        return file;
    }

    private static List<String> nodeJvmArgs() {
        List<String> args = new ArrayList<>();
        args.add(NODE_HEAP);
        args.add("-XX:+UseG1GC");
        args.add("-Dorg.slf4j.simpleLogger.defaultLogLevel="
                + System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        return args;
    }

    /** Polls the node until it reports {@code expected} inbound channels; returns the last count seen. */
    private static int awaitInbound(NodeProcess node, int expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = node.inbound();
        while (seen < expected && System.nanoTime() < deadline) {
            Thread.sleep(200);
            seen = node.inbound();
        }
        return seen;
    }

    private static Map<String, Object> detail(Mode m, int run, IdleClients.Opening opening, NodeProcess.Measure baseline,
                                              NodeProcess.Measure loaded, int held, int clientOpen, String rejections,
                                              long clientCpuNanos) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("system", m.system());
        d.put("run", run);
        d.put("opened", opening.opened());
        d.put("failed", opening.failed());
        d.put("retries", opening.retries());
        d.put("openSeconds", round(opening.nanos() / 1e9));
        d.put("held", held);
        d.put("openOnClients", clientOpen);
        d.put("baselineHeapMiB", round(mib(baseline.heapBytes())));
        d.put("loadedHeapMiB", round(mib(loaded.heapBytes())));
        d.put("baselineThreads", baseline.threads());
        d.put("loadedThreads", loaded.threads());
        d.put("baselineFds", baseline.fds());
        d.put("loadedFds", loaded.fds());
        d.put("baselineDirectMiB", round(mib(baseline.directBytes())));
        d.put("loadedDirectMiB", round(mib(loaded.directBytes())));
        d.put("baselineRssMiB", round(mib(baseline.rssBytes())));
        d.put("loadedRssMiB", round(mib(loaded.rssBytes())));
        d.put("nodeRejections", rejections);
        // CPU per channel opened: what the rate costs, independent of what else ran on the machine (the
        // node's figure spans baseline to loaded measurement, its GCs included)
        if (opening.opened() > 0) {
            d.put("nodeCpuMsPerChannel", round((loaded.cpuNanos() - baseline.cpuNanos()) / 1e6 / opening.opened()));
            d.put("clientCpuMsPerChannel", round(clientCpuNanos / 1e6 / opening.opened()));
        }
        return d;
    }

    private static double mib(long bytes) {
        return bytes / 1024.0 / 1024.0;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
