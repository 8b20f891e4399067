package org.p2pnet.bench.idle;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.management.ObjectName;

import org.p2pnet.api.NodeStatus;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.packet.RawPacket;
import org.p2pnet.core.internal.BenchNode;

/**
 * The node under test of the idle-channels benchmark, run in a JVM of its own (the bench main
 * re-launches itself with {@code --node}): one {@link BenchNode} with the core configuration
 * raised for thousands of inbound channels, driven by line commands on stdin and answering on
 * stdout, one line per answer (logs go to stderr). It answers PING with PONG (same metadata), as
 * a node with the handler-keepalive bundle does; the clients use that to learn that their
 * IDENTITY was accepted.
 *
 * <pre>
 *   (at start)  READY port=&lt;port&gt; id=&lt;peer id&gt; pid=&lt;pid&gt; gc=&lt;collectors&gt;
 *   status      STATUS inbound=&lt;n&gt; rejections=&lt;reason=count,...&gt;
 *   measure     MEASURE heap=&lt;bytes&gt; inbound=&lt;n&gt; threads=&lt;n&gt; fds=&lt;n&gt; direct=&lt;bytes&gt; rss=&lt;bytes&gt;
 *               gcs=&lt;n&gt; cpu=&lt;process CPU time, ns&gt;
 *   histogram K the first K lines of the class histogram (jcmd GC.class_histogram), then END
 *   quit        closes the node, prints BYE and exits
 * </pre>
 *
 * <p>{@code measure} first runs System.gc() until the used heap stops shrinking (two readings
 * within 256 KiB of each other, at most 10 rounds), so that it reports live data only.
 */
public final class NodeMain {
    private static final long STABLE_BYTES = 256 * 1024;
    private static final int MAX_GC_ROUNDS = 10;

    private NodeMain() {
    }

    /** The core configuration of the node under test: room for {@code channels} inbound channels. */
    public static Map<String, Object> coreConfig(int channels) {
        Map<String, Object> config = new HashMap<>();
        config.put("maxInboundChannels", Math.max(64, channels + channels / 10));
        config.put("maxChannelsPerIp", 1024); // the largest allowed; the clients spread over many loopback addresses
        config.put("handshakeTimeoutSeconds", 60);
        // the default (60 min): each channel keeps its idle timer, as in production; a run is far shorter
        config.put("idleTimeoutMinutes", 60);
        return config;
    }

    /** Entry point of the child JVM: {@code --node --tls true|false --channels N}. */
    public static void run(boolean tls, int channels) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        BenchNode node = BenchNode.start(tls, coreConfig(channels));
        // PING -> PONG with the same metadata, as the handler-keepalive bundle answers: the idle
        // clients' confirmation that their channel is identified on this node
        node.handle(PacketTypes.PING, (channel, packet) -> channel.send(
                new RawPacket(PacketTypes.PONG, ((RawPacket) packet).metadata(), new byte[0])));
        Thread closer = new Thread(node::close, "idle-node-close");
        Runtime.getRuntime().addShutdownHook(closer);
        String gcs = ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .map(n -> n.replace(' ', '_')).collect(Collectors.joining(","));
        out.println("READY port=" + node.address().port() + " id=" + node.id().value() + " pid="
                + ProcessHandle.current().pid() + " gc=" + gcs);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.trim().split("\\s+");
            switch (words[0]) {
                case "status" -> out.println(status(node.network().status()));
                case "measure" -> out.println(measure(node));
                case "histogram" -> {
                    int lines = words.length > 1 ? Integer.parseInt(words[1]) : 40;
                    histogram(lines).forEach(out::println);
                    out.println("END");
                }
                case "quit" -> {
                    Runtime.getRuntime().removeShutdownHook(closer);
                    node.close();
                    out.println("BYE");
                    return;
                }
                case "" -> { }
                default -> out.println("ERROR unknown command " + words[0]);
            }
        }
        // stdin closed: the parent is gone; the shutdown hook closes the node
    }

    private static String status(NodeStatus status) {
        String rejections = status.rejections().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .sorted().collect(Collectors.joining(","));
        return "STATUS inbound=" + status.inboundChannels() + " rejections=" + (rejections.isEmpty() ? "-" : rejections);
    }

    private static String measure(BenchNode node) throws InterruptedException {
        long used = stableHeap();
        long gcs = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
        long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        return String.format(Locale.ROOT, "MEASURE heap=%d inbound=%d threads=%d fds=%d direct=%d rss=%d gcs=%d cpu=%d",
                used, node.network().status().inboundChannels(), ManagementFactory.getThreadMXBean().getThreadCount(),
                openFds(), direct, rss(), gcs, processCpuNanos());
    }

    /** Used heap after System.gc() rounds, once two readings agree within {@link #STABLE_BYTES}. */
    static long stableHeap() throws InterruptedException {
        long previous = Long.MAX_VALUE;
        long used = 0;
        for (int round = 0; round < MAX_GC_ROUNDS; round++) {
            System.gc();
            Thread.sleep(200);
            used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < STABLE_BYTES) {
                break;
            }
            previous = used;
        }
        return used;
    }

    private static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** CPU time this JVM used so far (all threads), in nanoseconds; -1 when unknown. */
    public static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** Resident set size from /proc/self/status, in bytes; -1 when unknown. */
    private static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** The class histogram of live objects (what {@code jcmd <pid> GC.class_histogram} prints), first lines. */
    private static List<String> histogram(int lines) {
        try {
            Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            return ((String) text).lines().limit(lines).collect(Collectors.toList());
        } catch (Exception e) {
            return List.of("ERROR no class histogram: " + e);
        }
    }
}
