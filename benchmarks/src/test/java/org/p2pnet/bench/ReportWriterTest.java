package org.p2pnet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report shows every figure's min / median / max, the baseline ratios, the targets, and embeds a PNG per quantity. */
class ReportWriterTest {
    @TempDir
    Path dir;

    @Test
    void writesTablesTargetsAndCharts() throws Exception {
        Path results = Files.createDirectories(dir.resolve("results"));
        Results.write(results, new Results.Builder("messages", "Messages", "MessageBench --runs 3")
                .figure("messages/s", ReportWriter.Names.P2PNET_PLAIN, "msg/s", true)
                .figure("messages/s", ReportWriter.Names.JGROUPS, "msg/s", true)
                .figure("latency p99 (µs)", ReportWriter.Names.P2PNET_PLAIN, "µs", false)
                .figure("latency p99 (µs)", ReportWriter.Names.JGROUPS, "µs", false)
                .add("messages/s", ReportWriter.Names.P2PNET_PLAIN, 300_000)
                .add("messages/s", ReportWriter.Names.P2PNET_PLAIN, 100_000)
                .add("messages/s", ReportWriter.Names.P2PNET_PLAIN, 200_000)
                .add("messages/s", ReportWriter.Names.JGROUPS, 100_000)
                .add("latency p99 (µs)", ReportWriter.Names.P2PNET_PLAIN, 90)
                .add("latency p99 (µs)", ReportWriter.Names.JGROUPS, 100)
                .setup("one channel").note("a note").build());
        Results.write(results, new Results.Builder("genesis-http", "Genesis", "genesis-http.sh")
                .figure("requests/s", "genesis trustless (peers?count=8)", "req/s", true)
                .add("requests/s", "genesis trustless (peers?count=8)", 15_000).build());
        Path out = dir.resolve("REPORT.md");
        ReportWriter.main(new String[] {"--results", results.toString(), "--out", out.toString(),
                "--skipped", "lan-discovery: no root"});

        String md = Files.readString(out);
        assertTrue(md.contains("| messages/s | p2pnet (plaintext) | 3 | 100,000 | **200,000** | 300,000 | 2.00× |"), md);
        assertTrue(md.contains("| messages/s ≥ 2× JGroups (100-byte MESSAGE, one channel) | 200,000 msg/s vs 100,000 msg/s: 2.00× | met |"), md);
        assertTrue(md.contains("| ping-pong p99 latency ≤ JGroups | 90.0 µs vs 100 µs: 0.90× | met |"), md);
        assertTrue(md.contains("| genesis ≥ 20,000 requests/s trustless | 15,000 req/s (genesis trustless (peers?count=8)) | **not met** |"), md);
        assertTrue(md.contains("| LAN discovery median < 500 ms | not measured in this run | – |"), md);
        assertTrue(md.contains("- lan-discovery: no root"), md);
        assertTrue(md.contains("> a note"), md);
        List<Path> charts;
        try (var files = Files.list(dir.resolve("charts"))) {
            charts = files.sorted().toList();
        }
        assertEquals(3, charts.size(), charts.toString());
        for (Path png : charts) {
            byte[] head = Files.readAllBytes(png);
            assertTrue(head.length > 1000 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G', png + " is a PNG");
            assertTrue(md.contains("](charts/" + png.getFileName() + ")"), "embedded: " + png.getFileName());
        }
    }
}
