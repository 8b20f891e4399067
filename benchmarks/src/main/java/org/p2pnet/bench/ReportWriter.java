package org.p2pnet.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.p2pnet.bench.Results.Bench;
import org.p2pnet.bench.Results.Figure;

/**
 * Writes {@code benchmarks/REPORT.md} from the results directory one suite run filled
 * ({@code <name>.json} per benchmark, see {@link Results}): machine information, the targets of
 * issue 9 with the measured figure and whether it is met, then per benchmark its setup, a table
 * with min / median / max over the repeated runs and the ratio to that benchmark's baseline, and a
 * PNG chart per quantity (XChart) embedded in the report. Nothing in the report is typed by hand
 * except the hand-written analysis it includes verbatim ({@code --notes FILE}, the profiling
 * before/after), so every figure comes from the run that wrote it.
 *
 * <pre>
 * java -cp ... org.p2pnet.bench.ReportWriter --results DIR --out benchmarks/REPORT.md
 *      [--charts benchmarks/charts] [--command "./p2pnet bench"] [--notes benchmarks/report-notes.md]
 *      [--skipped "name: reason"]... [--commit "abc1234"]
 * </pre>
 */
public final class ReportWriter {
    /** The order the report shows benchmarks in; others follow alphabetically. */
    private static final List<String> ORDER = List.of("messages", "messages-before", "idle-channels", "file-transfer", "lan-discovery",
            "genesis-http", "jmh");
    /** Per benchmark: the system every other is compared with (same quantity). */
    private static final Map<String, String> BASELINES = Map.of(
            "messages", Names.JGROUPS,
            "messages-before", Names.JGROUPS,
            "file-transfer", Names.IPERF3);

    /** System names the benchmarks use and the targets look up. */
    static final class Names {
        static final String P2PNET_PLAIN = "p2pnet (plaintext)";
        static final String P2PNET_TLS = "p2pnet (TLS 1.3)";
        static final String JGROUPS = "JGroups 5.4 (TCP)";
        static final String RAW = "raw socket (same framing)";
        static final String IPERF3 = "iperf3 single stream";

        private Names() {
        }
    }

    private ReportWriter() {
    }

    public static void main(String[] args) throws IOException {
        Path results = null;
        Path out = Path.of("benchmarks/REPORT.md");
        Path charts = null;
        Path notes = null;
        String command = "./p2pnet bench";
        List<String> skipped = new ArrayList<>();
        String commit = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--results" -> results = Path.of(value(args, ++i, "--results"));
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--charts" -> charts = Path.of(value(args, ++i, "--charts"));
                case "--notes" -> notes = Path.of(value(args, ++i, "--notes"));
                case "--command" -> command = value(args, ++i, "--command");
                case "--skipped" -> skipped.add(value(args, ++i, "--skipped"));
                case "--commit" -> commit = value(args, ++i, "--commit");
                case "-h", "--help" -> {
                    System.out.println("Usage: ReportWriter --results DIR [--out FILE] [--charts DIR] [--notes FILE]"
                            + " [--command TEXT] [--skipped 'name: reason']... [--commit TEXT (the commit measured)]");
                    return;
                }
                default -> fail("unknown option '" + args[i] + "'");
            }
        }
        if (results == null || !Files.isDirectory(results)) {
            fail("--results must name the directory the benchmarks wrote their JSON into");
        }
        if (charts == null) {
            charts = out.toAbsolutePath().getParent().resolve("charts");
        }
        List<Bench> benches = load(results);
        if (benches.isEmpty()) {
            fail("no <name>.json results in " + results);
        }
        if (commit == null) {
            commit = runProperties(results).getProperty("commit");
        }
        String report = write(benches, measuredAt(results), commit, out.toAbsolutePath().getParent(), charts, command,
                skipped,
                notes != null && Files.exists(notes) ? Files.readString(notes) : null);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report, StandardCharsets.UTF_8);
        System.err.println("==> report written to " + out + " (" + benches.size() + " benchmarks, charts in " + charts
                + ")");
    }

    /** What the suite recorded about the run (commit, measured-at), empty when it wrote nothing. */
    static java.util.Properties runProperties(Path results) throws IOException {
        java.util.Properties p = new java.util.Properties();
        Path file = results.resolve("run.properties");
        if (Files.exists(file)) {
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            }
        }
        return p;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            fail(option + " needs a value");
        }
        return args[i];
    }

    private static void fail(String message) {
        System.err.println("report: " + message);
        System.exit(2);
    }

    static List<Bench> load(Path dir) throws IOException {
        List<Bench> benches = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                try {
                    benches.add(Results.read(f));
                } catch (IOException e) {
                    throw new IOException(f + " is not a benchmark result: " + e.getMessage(), e);
                }
            }
        }
        benches.sort(Comparator.comparingInt((Bench b) -> ORDER.contains(b.name()) ? ORDER.indexOf(b.name())
                : ORDER.size()).thenComparing(Bench::name));
        return benches;
    }

    /** The whole report; charts are written into {@code charts} and linked relative to {@code reportDir}. */
    /**
     * When the run ended: {@code measured-at} of the suite's {@code run.properties} in the results
     * directory, else the time its last result was written (so a report rewritten later keeps it).
     */
    static ZonedDateTime measuredAt(Path results) throws IOException {
        String recorded = runProperties(results).getProperty("measured-at");
        if (recorded != null) {
            try {
                return ZonedDateTime.parse(recorded).withZoneSameInstant(ZoneOffset.UTC);
            } catch (java.time.format.DateTimeParseException e) {
                fail("run.properties: measured-at '" + recorded + "' is not an ISO date-time");
            }
        }
        try (Stream<Path> files = Files.list(results)) {
            long newest = files.filter(p -> p.toString().endsWith(".json")).mapToLong(p -> {
                try {
                    return Files.getLastModifiedTime(p).toMillis();
                } catch (IOException e) {
                    return 0;
                }
            }).max().orElse(System.currentTimeMillis());
            return java.time.Instant.ofEpochMilli(newest).atZone(ZoneOffset.UTC);
        }
    }

    static String write(List<Bench> benches, ZonedDateTime measuredAt, String commit, Path reportDir, Path charts,
                        String command, List<String> skipped, String notes) throws IOException {
        Files.createDirectories(charts);
        StringBuilder md = new StringBuilder();
        md.append("# p2pnet benchmark report\n\n");
        md.append("Written by `").append(command).append("`, measured until ")
                .append(measuredAt.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append(". Every figure below comes from that one run; rerun the command to reproduce it. Each figure")
                .append(" is the min / median / max over the repeated runs of its benchmark; ratios are of medians,")
                .append(" measured side by side in the same run. In the bar charts a bar is the median and its whisker")
                .append(" is as long as the min-max range, centred on the median (XChart draws symmetric error bars);")
                .append(" the tables give the exact min and max.\n\n");
        md.append("## Machine\n\n");
        Machine.describe(commit).forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append('\n');

        md.append("## Targets (issue 9)\n\n");
        md.append("| target | measured (median) | result |\n|---|---|---|\n");
        for (Target t : Target.evaluate(benches)) {
            md.append("| ").append(t.target()).append(" | ").append(t.measured()).append(" | ").append(t.result())
                    .append(" |\n");
        }
        md.append('\n');
        if (!skipped.isEmpty()) {
            md.append("Not run in this run:\n\n");
            skipped.forEach(s -> md.append("- ").append(s).append('\n'));
            md.append('\n');
        }

        for (Bench b : benches) {
            md.append("## ").append(b.title()).append("\n\n");
            md.append("Command: `").append(b.command()).append("`\n\n");
            b.setup().forEach(s -> md.append("- ").append(s).append('\n'));
            if (!b.setup().isEmpty()) {
                md.append('\n');
            }
            String baseline = BASELINES.get(b.name());
            boolean withRatio = baseline != null && b.figures().stream().anyMatch(f -> f.system().equals(baseline));
            md.append("| quantity | system | runs | min | median | max |");
            md.append(withRatio ? " vs " + baseline + " |\n|---|---|---:|---:|---:|---:|---:|\n"
                    : "\n|---|---|---:|---:|---:|---:|\n");
            for (Figure f : b.figures()) {
                md.append("| ").append(f.quantity()).append(" | ").append(f.system()).append(" | ")
                        .append(f.runs().size()).append(" | ").append(fmt(f.min())).append(" | **")
                        .append(fmt(f.median())).append("** | ").append(fmt(f.max())).append(" |");
                if (withRatio) {
                    md.append(' ').append(ratio(b, f, baseline)).append(" |");
                }
                md.append('\n');
            }
            md.append('\n');
            for (Map.Entry<String, List<Figure>> q : byQuantity(b).entrySet()) {
                Path png = chart(b, q.getKey(), q.getValue(), charts);
                md.append("![").append(b.title()).append(": ").append(q.getKey()).append("](")
                        .append(reportDir.relativize(png.toAbsolutePath()).toString().replace('\\', '/'))
                        .append(")\n");
            }
            Object percentiles = b.extra().get("latencyPercentilesMicros");
            if (percentiles instanceof Map<?, ?> bySystem && !bySystem.isEmpty()) {
                Path png = latencyChart(b, bySystem, charts);
                md.append("![").append(b.title()).append(": latency distribution](")
                        .append(reportDir.relativize(png.toAbsolutePath()).toString().replace('\\', '/'))
                        .append(")\n");
            }
            md.append('\n');
            b.notes().forEach(n -> md.append("> ").append(n).append("\n>\n"));
            if (!b.notes().isEmpty()) {
                md.setLength(md.length() - 2);
                md.append('\n');
            }
        }
        if (notes != null) {
            md.append(notes.strip()).append('\n');
        }
        return md.toString();
    }

    private static Map<String, List<Figure>> byQuantity(Bench b) {
        Map<String, List<Figure>> map = new LinkedHashMap<>();
        for (Figure f : b.figures()) {
            if (!f.runs().isEmpty()) {
                map.computeIfAbsent(f.quantity(), k -> new ArrayList<>()).add(f);
            }
        }
        return map;
    }

    private static String ratio(Bench b, Figure f, String baseline) {
        if (f.system().equals(baseline)) {
            return "1.00×";
        }
        Optional<Figure> base = b.figures().stream()
                .filter(o -> o.system().equals(baseline) && o.quantity().equals(f.quantity())).findFirst();
        if (base.isEmpty() || base.get().median() == 0 || Double.isNaN(base.get().median())) {
            return "";
        }
        return String.format(Locale.ROOT, "%.2f×", f.median() / base.get().median());
    }

    /** A bar chart of one quantity's medians, one bar per system, min-max in the title's note. */
    private static Path chart(Bench b, String quantity, List<Figure> figures, Path dir) throws IOException {
        String unit = figures.get(0).unit();
        CategoryChart chart = new CategoryChartBuilder().width(900).height(Math.max(420, 120 + 28 * figures.size()))
                .title(b.title() + ": " + quantity)
                .xAxisTitle("").yAxisTitle(unit).build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setChartTitleFont(chart.getStyler().getChartTitleFont().deriveFont(14f));
        chart.getStyler().setXAxisLabelRotation(figures.size() > 4 ? 30 : 0);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
        chart.getStyler().setDecimalPattern(figures.stream().allMatch(f -> f.median() >= 100) ? "#,###" : "#,##0.0#");
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        List<String> systems = new ArrayList<>();
        List<Number> medians = new ArrayList<>();
        List<Number> spread = new ArrayList<>();
        for (Figure f : figures) {
            systems.add(f.system());
            medians.add(f.median());
            // XChart draws symmetric error bars: half the min-max range, centred on the median's bar top
            spread.add((f.max() - f.min()) / 2);
        }
        chart.addSeries("median", systems, medians, spread);
        Path png = dir.resolve(slug(b.name() + "-" + quantity) + ".png");
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        return png;
    }

    /**
     * Round-trip time against percentile, one line per system, from the last latency run: the x axis
     * counts nines (p90 = 1, p99 = 2, p99.9 = 3), the y axis is logarithmic.
     */
    private static Path latencyChart(Bench b, Map<?, ?> bySystem, Path dir) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(450).title("ping-pong latency distribution (last run)")
                .xAxisTitle("percentile").yAxisTitle("round trip (µs)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setxAxisTickLabelsFormattingFunction(x -> {
            long nines = Math.round(x);
            if (Math.abs(x - nines) > 0.01 || nines < 0 || nines > 5) {
                return "";
            }
            return nines == 0 ? "p0" : "p" + "99.9999".substring(0, nines == 1 ? 1 : nines == 2 ? 2 : (int) nines + 1)
                    .replaceFirst("^9$", "90");
        });
        for (Map.Entry<?, ?> system : bySystem.entrySet()) {
            if (!(system.getValue() instanceof Map<?, ?> points)) {
                continue;
            }
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            points.entrySet().stream()
                    .filter(e -> e.getKey().toString().matches("p[0-9.]+") && e.getValue() instanceof Number)
                    .map(e -> Map.entry(Double.parseDouble(e.getKey().toString().substring(1)),
                            ((Number) e.getValue()).doubleValue()))
                    .filter(e -> e.getKey() >= 10 && e.getKey() < 100)
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> {
                        xs.add(-Math.log10(1 - e.getKey() / 100));
                        ys.add(Math.max(e.getValue(), 0.1));
                    });
            if (!xs.isEmpty()) {
                chart.addSeries(system.getKey().toString(), xs, ys);
            }
        }
        Path png = dir.resolve(slug(b.name() + "-latency-distribution") + ".png");
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        return png;
    }

    static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** One line of the targets table. */
    record Target(String target, String measured, String result) {
        static List<Target> evaluate(List<Bench> benches) {
            Map<String, Bench> byName = new LinkedHashMap<>();
            benches.forEach(b -> byName.put(b.name(), b));
            List<Target> out = new ArrayList<>();
            out.add(ratioTarget(byName, "messages", "messages/s", Names.P2PNET_PLAIN, Names.JGROUPS, 2.0, true,
                    "messages/s ≥ 2× JGroups (100-byte MESSAGE, one channel)"));
            out.add(ratioTarget(byName, "messages", "latency p99 (µs)", Names.P2PNET_PLAIN, Names.JGROUPS, 1.0, false,
                    "ping-pong p99 latency ≤ JGroups"));
            out.add(withCeiling(byName, "ceiling plaintext (MiB/s)", 0.60,
                    ratioTarget(byName, "file-transfer", "throughput (MiB/s)", "p2pnet plaintext (tmpfs)",
                            Names.IPERF3, 0.60, true, "file ≥ 60 % of iperf3, plaintext")));
            out.add(withCeiling(byName, "ceiling TLS (MiB/s)", 0.30,
                    ratioTarget(byName, "file-transfer", "throughput (MiB/s)", "p2pnet TLS (tmpfs)",
                            Names.IPERF3, 0.30, true, "file ≥ 30 % of iperf3, TLS")));
            out.add(absoluteTarget(byName, "lan-discovery", "p2pnet listening → channel (ms)", null, 500, false,
                    "LAN discovery median < 500 ms", "ms"));
            out.add(absoluteTarget(byName, "genesis-http", "requests/s", "genesis trustless", 20_000, true,
                    "genesis ≥ 20,000 requests/s trustless", "req/s"));
            out.add(absoluteTarget(byName, "idle-channels", "channels held", "p2pnet TLS 1.3", 10_000, true,
                    "10,000 idle channels on one node (TLS, the default)", "channels"));
            out.add(absoluteTarget(byName, "idle-channels", "heap used with", "p2pnet TLS 1.3", 200,
                    false, "… with < 200 MiB of heap", "MiB"));
            out.add(absoluteTarget(byName, "idle-channels", "heap per channel (KiB)", "p2pnet TLS 1.3", 20, false,
                    "… < 20 KiB per channel", "KiB"));
            return out;
        }

        private static Optional<Figure> find(Map<String, Bench> byName, String bench, String quantity, String system) {
            Bench b = byName.get(bench);
            if (b == null) {
                return Optional.empty();
            }
            // a quantity may name its size ("heap used with 10000 channels (MiB)"): matched by its start
            return b.figures().stream().filter(f -> f.quantity().startsWith(quantity)
                    && (system == null || f.system().startsWith(system)) && !f.runs().isEmpty()).findFirst();
        }

        private static Target ratioTarget(Map<String, Bench> byName, String bench, String quantity, String system,
                                          String baseline, double bound, boolean atLeast, String text) {
            Optional<Figure> f = find(byName, bench, quantity, system);
            Optional<Figure> base = find(byName, bench, quantity, baseline);
            if (f.isEmpty() || base.isEmpty()) {
                return new Target(text, "not measured in this run", "–");
            }
            double ratio = f.get().median() / base.get().median();
            boolean met = atLeast ? ratio >= bound : ratio <= bound;
            String measured = String.format(Locale.ROOT, "%s %s vs %s %s: %.2f×", fmt(f.get().median()),
                    f.get().unit(), fmt(base.get().median()), base.get().unit(), ratio);
            return new Target(text, measured, met ? "met" : "**not met**");
        }

        /** Adds the same run's zero-overhead ceiling (as a share of iperf3) to a file target: it says whether the target is reachable here at all. */
        private static Target withCeiling(Map<String, Bench> byName, String ceilingQuantity, double bound, Target t) {
            Optional<Figure> ceiling = find(byName, "file-transfer", ceilingQuantity, "zero-overhead ceiling");
            Optional<Figure> iperf = find(byName, "file-transfer", "throughput (MiB/s)", Names.IPERF3);
            if (ceiling.isEmpty() || iperf.isEmpty() || t.measured().startsWith("not measured")) {
                return t;
            }
            double share = ceiling.get().median() / iperf.get().median();
            String measured = t.measured() + String.format(Locale.ROOT, "; zero-overhead ceiling here %s MiB/s = %.1f %%",
                    fmt(ceiling.get().median()), 100 * share);
            String result = t.result();
            if (!"met".equals(result) && share < bound) {
                result = "**not met**: out of reach on this machine (above the ceiling)";
            }
            return new Target(t.target(), measured, result);
        }

        private static Target absoluteTarget(Map<String, Bench> byName, String bench, String quantity, String system,
                                             double bound, boolean atLeast, String text, String unit) {
            Optional<Figure> f = find(byName, bench, quantity, system);
            if (f.isEmpty()) {
                return new Target(text, "not measured in this run", "–");
            }
            double v = f.get().median();
            boolean met = atLeast ? v >= bound : v < bound;
            return new Target(text, fmt(v) + " " + unit + " (" + f.get().system() + ")", met ? "met" : "**not met**");
        }
    }
}
