import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.sun.tools.attach.VirtualMachine;

/**
 * The soak script's helper (itests/soak/soak.sh), JDK only. Compiled once per run by the script:
 * {@code javac --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED -d DIR SoakTool.java}.
 *
 * <ul>
 * <li>{@code sample CSV ELAPSED_S node:inc:pid...} — for each JVM (at once, 30 s bound each): attach,
 *     {@code GC.run} (a full GC), {@code GC.heap_info}; heap used and committed after that GC, then the
 *     thread count ({@code /proc/PID/status}) and open file descriptors ({@code /proc/PID/fd}); one CSV
 *     line each appended to CSV. One JVM for the whole round instead of two {@code jcmd} per node.</li>
 * <li>{@code analyze OUT_DIR MAX_HEAP_MIB} — reads the run's CSV files, writes {@code OUT_DIR/summary.md},
 *     prints it, exits 0 only if every verdict is PASS.</li>
 * </ul>
 */
public class SoakTool {
    private static final Pattern TOTAL_USED = Pattern.compile("total (\\d+)K, used (\\d+)K");

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("sample")) {
            sample(Path.of(args[1]), args[2], List.of(args).subList(3, args.length));
        } else if (args.length == 3 && args[0].equals("analyze")) {
            System.exit(analyze(Path.of(args[1]), Long.parseLong(args[2])));
        } else {
            System.err.println("usage: SoakTool sample CSV ELAPSED_S node:inc:pid... | analyze OUT_DIR MAX_HEAP_MIB");
            System.exit(2);
        }
    }

    // ---------------------------------------------------------------- sample

    private static void sample(Path csv, String elapsed, List<String> targets) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(4, targets.size())));
        try {
            Map<String, Future<String>> rows = new LinkedHashMap<>();
            for (String t : targets) {
                rows.put(t, pool.submit(() -> sampleOne(t)));
            }
            StringBuilder out = new StringBuilder();
            long now = System.currentTimeMillis();
            for (Map.Entry<String, Future<String>> e : rows.entrySet()) {
                String[] p = e.getKey().split(":");
                String row;
                try {
                    row = e.getValue().get(60, TimeUnit.SECONDS);
                } catch (Exception failed) {
                    System.err.println("sample of " + e.getKey() + " failed: " + failed);
                    row = null;
                }
                if (row != null) {
                    out.append(elapsed).append(',').append(now).append(',').append(p[0]).append(',').append(p[1])
                        .append(',').append(p[2]).append(',').append(row).append('\n');
                }
            }
            Files.writeString(csv, out.toString(), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        } finally {
            pool.shutdownNow();
        }
    }

    /** heap_used_kib,heap_committed_kib,threads,fds of one JVM after a full GC. */
    private static String sampleOne(String target) throws Exception {
        String pid = target.split(":")[2];
        VirtualMachine vm = VirtualMachine.attach(pid);
        String info;
        try {
            sun.tools.attach.HotSpotVirtualMachine hs = (sun.tools.attach.HotSpotVirtualMachine) vm;
            drain(hs.executeJCmd("GC.run"));
            info = drain(hs.executeJCmd("GC.heap_info"));
        } finally {
            vm.detach();
        }
        long used = 0;
        long total = 0;
        Matcher m = TOTAL_USED.matcher(info);
        while (m.find()) {
            total += Long.parseLong(m.group(1));
            used += Long.parseLong(m.group(2));
        }
        if (total == 0) {
            throw new IOException("no heap figures in GC.heap_info of " + pid + ": " + info);
        }
        long threads = -1;
        for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
            if (line.startsWith("Threads:")) {
                threads = Long.parseLong(line.substring(8).trim());
            }
        }
        long fds;
        try (Stream<Path> s = Files.list(Path.of("/proc", pid, "fd"))) {
            fds = s.count();
        }
        return used + "," + total + "," + threads + "," + fds;
    }

    private static String drain(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    // ---------------------------------------------------------------- analyze

    record Sample(double minute, long epochMs, String node, int inc, long heapKib, long threads, long fds) {
    }

    record Incarnation(String node, int inc, long pid, long startMs, long readyMs, long endMs, String end) {
    }

    private static List<String[]> csv(Path file) throws IOException {
        List<String[]> rows = new ArrayList<>();
        if (!Files.exists(file)) {
            return rows;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) { // the first line is the header
            if (!line.isBlank()) {
                rows.add(line.split(",", -1));
            }
        }
        return rows;
    }

    private static int analyze(Path out, long maxHeapMib) throws IOException {
        Map<String, String> run = new LinkedHashMap<>();
        for (String[] r : csv(out.resolve("run.csv"))) {
            run.put(r[0], r[1]);
        }
        long runStart = Long.parseLong(run.getOrDefault("workload_start_ms", "0"));
        long runEnd = Long.parseLong(run.getOrDefault("workload_end_ms", "0"));
        long graceMs = Long.parseLong(run.getOrDefault("grace_ms", "15000"));
        long settleMs = Long.parseLong(run.getOrDefault("settle_ms", "20000"));

        // incarnations: node,inc,pid,start_ms,ready_ms,end_ms,end_reason (end 0: still running at the end)
        Map<String, Incarnation> incs = new LinkedHashMap<>();
        for (String[] r : csv(out.resolve("incarnations.csv"))) {
            incs.put(r[0] + "#" + r[1], new Incarnation(r[0], Integer.parseInt(r[1]), Long.parseLong(r[2]),
                Long.parseLong(r[3]), Long.parseLong(r[4]), Long.parseLong(r[5]), r.length > 6 ? r[6] : ""));
        }
        // successful receive polls: node,inc,poll_ms
        Map<String, Long> lastPoll = new HashMap<>();
        for (String[] r : csv(out.resolve("polls.csv"))) {
            lastPoll.merge(r[0] + "#" + r[1], Long.parseLong(r[2]), Math::max);
        }
        // what each incarnation had received at its last successful poll: received/NODE.INC.txt, "B\ttitle" / "M\ttext"
        Map<String, Map<String, Integer>> received = new HashMap<>();
        Path recvDir = out.resolve("received");
        if (Files.isDirectory(recvDir)) {
            try (Stream<Path> files = Files.list(recvDir)) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (!name.endsWith(".txt")) {
                        continue;
                    }
                    String key = name.substring(0, name.length() - 4).replace('.', '#');
                    Map<String, Integer> counts = new HashMap<>();
                    for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                        counts.merge(line, 1, Integer::sum);
                    }
                    received.put(key, counts);
                }
            }
        }

        StringBuilder md = new StringBuilder();
        List<String[]> verdicts = new ArrayList<>();
        md.append("# p2pnet soak run\n\n");
        md.append("| | |\n|---|---|\n");
        for (Map.Entry<String, String> e : run.entrySet()) {
            String value = e.getKey().endsWith("_ms") && !e.getKey().startsWith("grace") && !e.getKey().startsWith("settle")
                ? java.time.Instant.ofEpochMilli(Long.parseLong(e.getValue())).toString() : e.getValue();
            md.append("| ").append(e.getKey()).append(" | ").append(value).append(" |\n");
        }
        md.append('\n');

        // ---- resources
        List<Sample> samples = new ArrayList<>();
        for (String[] r : csv(out.resolve("samples.csv"))) {
            samples.add(new Sample(Double.parseDouble(r[0]) / 60.0, Long.parseLong(r[1]), r[2], Integer.parseInt(r[3]),
                Long.parseLong(r[5]), Long.parseLong(r[7]), Long.parseLong(r[8])));
        }
        Map<String, List<Sample>> byInc = new TreeMap<>();
        for (Sample s : samples) {
            byInc.computeIfAbsent(s.node() + "#" + s.inc(), k -> new ArrayList<>()).add(s);
        }
        double spanAll = samples.isEmpty() ? 0
            : samples.stream().mapToDouble(Sample::minute).max().orElse(0) - samples.stream().mapToDouble(Sample::minute).min().orElse(0);
        double heapLimit = maxHeapMib * 1024.0 * 0.01 / 10.0; // KiB per minute: 1 % of the max heap per 10 min
        md.append("## Resources per node (samples after a full GC)\n\n");
        md.append("A node's run is one incarnation (a JVM; churn kills some and starts them again). Judged: incarnations")
            .append(" that span at least half of the sampled time and have at least 6 samples. Heap trend: least-squares")
            .append(" slope of heap-used-after-GC over the second half of the incarnation's samples; PASS below ")
            .append(String.format("%.0f", heapLimit)).append(" KiB/min (1 % of the ").append(maxHeapMib)
            .append(" MiB max heap per 10 min). Threads/fds growth: median of the last quarter of the samples minus")
            .append(" the median of the second quarter (after warm-up); PASS when at most max(3, 5 %) threads and")
            .append(" max(5, 5 %) fds.\n\n");
        md.append("| node#inc | samples | minutes | heap first/last/max KiB | heap slope 2nd half KiB/min | threads first/last/max")
            .append(" | threads growth | fds first/last/max | fds growth | judged |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        int judged = 0;
        List<String> heapBad = new ArrayList<>();
        List<String> threadBad = new ArrayList<>();
        List<String> fdBad = new ArrayList<>();
        for (Map.Entry<String, List<Sample>> e : byInc.entrySet()) {
            List<Sample> list = e.getValue();
            list.sort((a, b) -> Double.compare(a.minute(), b.minute()));
            int n = list.size();
            double span = list.get(n - 1).minute() - list.get(0).minute();
            boolean judge = n >= 6 && span >= spanAll / 2;
            List<Sample> half = list.subList(n / 2, n);
            double slope = slope(half);
            long tg = growth(list.stream().map(Sample::threads).toList());
            long fg = growth(list.stream().map(Sample::fds).toList());
            long tBase = median(quarter(list.stream().map(Sample::threads).toList(), 1));
            long fBase = median(quarter(list.stream().map(Sample::fds).toList(), 1));
            md.append(String.format("| %s | %d | %.1f | %d / %d / %d | %.1f | %d / %d / %d | %+d | %d / %d / %d | %+d | %s |%n",
                e.getKey(), n, span, list.get(0).heapKib(), list.get(n - 1).heapKib(),
                list.stream().mapToLong(Sample::heapKib).max().orElse(0), slope,
                list.get(0).threads(), list.get(n - 1).threads(), list.stream().mapToLong(Sample::threads).max().orElse(0), tg,
                list.get(0).fds(), list.get(n - 1).fds(), list.stream().mapToLong(Sample::fds).max().orElse(0), fg,
                judge ? "yes" : "no (too short)"));
            if (judge) {
                judged++;
                if (!(slope < heapLimit)) {
                    heapBad.add(e.getKey() + String.format(" (%.1f KiB/min)", slope));
                }
                if (tg > Math.max(3, tBase * 5 / 100)) {
                    threadBad.add(e.getKey() + " (+" + tg + ")");
                }
                if (fg > Math.max(5, fBase * 5 / 100)) {
                    fdBad.add(e.getKey() + " (+" + fg + ")");
                }
            }
        }
        md.append('\n');
        verdicts.add(verdict("no upward heap trend (slope < " + String.format("%.0f", heapLimit) + " KiB/min, "
            + judged + " incarnations judged)", judged > 0 && heapBad.isEmpty(), judged == 0 ? "nothing judged" : String.join(", ", heapBad)));
        verdicts.add(verdict("no thread growth", judged > 0 && threadBad.isEmpty(), judged == 0 ? "nothing judged" : String.join(", ", threadBad)));
        verdicts.add(verdict("no fd growth", judged > 0 && fdBad.isEmpty(), judged == 0 ? "nothing judged" : String.join(", ", fdBad)));

        // ---- broadcasts: title,sender_node,sender_inc,sent_ms,result
        List<String[]> bcs = csv(out.resolve("broadcasts.csv"));
        int bcSent = 0;
        int bcFailed = 0;
        long bcExpected = 0;
        long bcReceived = 0;
        long bcDuplicated = 0;
        List<String> lostList = new ArrayList<>();
        for (String[] b : bcs) {
            if (!b[4].equals("ok")) {
                bcFailed++;
                continue;
            }
            bcSent++;
            long sent = Long.parseLong(b[3]);
            for (Incarnation inc : incs.values()) {
                String key = inc.node() + "#" + inc.inc();
                if (inc.node().equals(b[1]) || inc.readyMs() <= 0 || inc.readyMs() + settleMs > sent) {
                    continue;
                }
                Long polled = lastPoll.get(key);
                if (polled == null || polled < sent + graceMs || (inc.endMs() > 0 && inc.endMs() < polled)) {
                    continue; // not alive and asked throughout the broadcast's window
                }
                bcExpected++;
                int copies = received.getOrDefault(key, Map.of()).getOrDefault("B\t" + b[0], 0);
                if (copies > 0) {
                    bcReceived++;
                    if (copies > 1) {
                        bcDuplicated++;
                    }
                } else {
                    lostList.add(b[0] + " at " + key);
                }
            }
        }
        md.append("## Broadcasts\n\n");
        md.append("Expected receivers of a broadcast: every other node incarnation that was ready at least ")
            .append(settleMs / 1000).append(" s before it was sent and whose received broadcasts (p2p:messages --json)")
            .append(" were read at least ").append(graceMs / 1000).append(" s after it was sent, before that incarnation")
            .append(" ended. Lost = expected - received.\n\n");
        md.append("| sent | send failed | expected deliveries | received | lost | delivered more than once |\n|---|---|---|---|---|---|\n");
        md.append(String.format("| %d | %d | %d | %d | %d | %d |%n%n", bcSent, bcFailed, bcExpected, bcReceived,
            bcExpected - bcReceived, bcDuplicated));
        if (!lostList.isEmpty()) {
            md.append("Lost: ").append(String.join("; ", lostList.subList(0, Math.min(50, lostList.size())))).append("\n\n");
        }
        verdicts.add(verdict("no lost broadcast (" + bcReceived + " of " + bcExpected + " expected deliveries)",
            bcExpected > 0 && bcExpected == bcReceived && bcDuplicated == 0,
            bcExpected == 0 ? "no delivery could be judged" : (bcExpected - bcReceived) + " lost, " + bcDuplicated + " duplicated"));

        // ---- messages: text,from_node,to_node,to_inc,sent_ms,result
        long msgSent = 0;
        long msgFailed = 0;
        long msgExpected = 0;
        long msgReceived = 0;
        List<String> msgLost = new ArrayList<>();
        for (String[] m : csv(out.resolve("messages.csv"))) {
            if (!m[5].equals("ok")) {
                msgFailed++;
                continue;
            }
            msgSent++;
            long sent = Long.parseLong(m[4]);
            String key = m[2] + "#" + m[3];
            Incarnation inc = incs.get(key);
            Long polled = lastPoll.get(key);
            if (inc == null || polled == null || polled < sent + graceMs || (inc.endMs() > 0 && inc.endMs() < polled)) {
                continue;
            }
            msgExpected++;
            if (received.getOrDefault(key, Map.of()).getOrDefault("M\t" + m[0], 0) > 0) {
                msgReceived++;
            } else {
                msgLost.add(m[0] + " to " + key);
            }
        }
        md.append("## Messages\n\n");
        md.append("Judged: messages that p2p:send reported written to the channel, whose receiver incarnation was read")
            .append(" (p2p:messages --json) at least ").append(graceMs / 1000).append(" s later.\n\n");
        md.append("| sent | send failed | judged | received | lost |\n|---|---|---|---|---|\n");
        md.append(String.format("| %d | %d | %d | %d | %d |%n%n", msgSent, msgFailed, msgExpected, msgReceived, msgExpected - msgReceived));
        if (!msgLost.isEmpty()) {
            md.append("Lost: ").append(String.join("; ", msgLost.subList(0, Math.min(50, msgLost.size())))).append("\n\n");
        }
        verdicts.add(verdict("no lost message (" + msgReceived + " of " + msgExpected + " judged)",
            msgExpected > 0 && msgExpected == msgReceived, msgExpected == 0 ? "none judged" : (msgExpected - msgReceived) + " lost"));

        // ---- files: name,from,to,bytes,sha256,result,seconds
        Map<String, Integer> fileResults = new TreeMap<>();
        long bytes = 0;
        double seconds = 0;
        List<String> failures = new ArrayList<>();
        for (String[] f : csv(out.resolve("files.csv"))) {
            String result = f[5].startsWith("failed") ? "failed" : f[5];
            if (!f[5].equals("verified")) {
                failures.add(f[0] + " " + f[1] + " -> " + f[2] + ": " + f[5]);
            }
            fileResults.merge(result, 1, Integer::sum);
            if (f[5].equals("verified")) {
                bytes += Long.parseLong(f[3]);
                seconds += Double.parseDouble(f[6]);
            }
        }
        int verified = fileResults.getOrDefault("verified", 0);
        int corrupted = fileResults.getOrDefault("corrupted", 0);
        int failed = fileResults.getOrDefault("failed", 0);
        md.append("## Files\n\n");
        md.append("Random 1-4 MiB files, p2p:send-file between random pairs; the receiver's stored copy is compared")
            .append(" with the original by SHA-256. Failed = the command did not finish with a verified transfer or the")
            .append(" copy was missing (files.csv says why).\n\n");
        md.append("| sent | verified | corrupted | failed | MiB verified | MiB/s (command time) |\n|---|---|---|---|---|---|\n");
        md.append(String.format("| %d | %d | %d | %d | %.1f | %.1f |%n%n", verified + corrupted + failed, verified, corrupted,
            failed, bytes / 1048576.0, seconds > 0 ? bytes / 1048576.0 / seconds : 0));
        if (!failures.isEmpty()) {
            md.append("Not verified:\n\n");
            failures.stream().limit(50).forEach(f -> md.append("- ").append(f).append('\n'));
            md.append('\n');
        }
        verdicts.add(verdict("no corrupted file (" + verified + " verified)", verified > 0 && corrupted == 0,
            verified == 0 ? "no file verified" : corrupted + " corrupted"));

        // ---- churn and unexpected exits
        long kills = incs.values().stream().filter(i -> i.end().equals("killed")).count();
        List<String> crashed = incs.values().stream().filter(i -> i.end().equals("died"))
            .map(i -> i.node() + "#" + i.inc()).toList();
        md.append("## Churn\n\n").append(kills).append(" kill -9; incarnations:\n\n");
        md.append("| node#inc | pid | ready after start s | lived min | end |\n|---|---|---|---|---|\n");
        for (Incarnation i : incs.values()) {
            long end = i.endMs() > 0 ? i.endMs() : runEnd;
            md.append(String.format("| %s#%d | %d | %s | %.1f | %s |%n", i.node(), i.inc(), i.pid(),
                i.readyMs() > 0 ? String.format("%.1f", (i.readyMs() - i.startMs()) / 1000.0) : "never",
                (end - i.startMs()) / 60000.0, i.end().isEmpty() ? "ran to the end" : i.end()));
        }
        md.append('\n');
        verdicts.add(verdict("no node exited unexpectedly", crashed.isEmpty(), String.join(", ", crashed)));

        md.append("## Verdict\n\n");
        boolean all = true;
        for (String[] v : verdicts) {
            md.append("- **").append(v[0]).append("** ").append(v[1]).append(v[2].isEmpty() ? "" : " — " + v[2]).append('\n');
            all &= v[0].equals("PASS");
        }
        md.append("\nOverall: **").append(all ? "PASS" : "FAIL").append("**\n");
        Files.writeString(out.resolve("summary.md"), md.toString(), StandardCharsets.UTF_8);
        System.out.print(md);
        return all ? 0 : 1;
    }

    private static String[] verdict(String what, boolean pass, String detail) {
        return new String[] {pass ? "PASS" : "FAIL", what, pass ? "" : detail};
    }

    /** Least-squares slope of heap used (KiB) over minutes. */
    private static double slope(List<Sample> s) {
        int n = s.size();
        if (n < 2) {
            return 0;
        }
        double mx = s.stream().mapToDouble(Sample::minute).average().orElse(0);
        double my = s.stream().mapToDouble(Sample::heapKib).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        for (Sample p : s) {
            sxy += (p.minute() - mx) * (p.heapKib() - my);
            sxx += (p.minute() - mx) * (p.minute() - mx);
        }
        return sxx == 0 ? 0 : sxy / sxx;
    }

    private static List<Long> quarter(List<Long> values, int q) {
        int n = values.size();
        int from = n * q / 4;
        int to = Math.max(from + 1, n * (q + 1) / 4);
        return values.subList(Math.min(from, n - 1), Math.min(to, n));
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    /** Median of the last quarter minus median of the second quarter. */
    private static long growth(List<Long> values) {
        return median(quarter(values, 3)) - median(quarter(values, 1));
    }

}
