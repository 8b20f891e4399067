package org.p2pnet.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.Version;
import org.p2pnet.bench.jmh.FrameCodecBench;
import org.p2pnet.bench.jmh.PacketCodecBench;
import org.p2pnet.bench.jmh.PacketSample;
import org.p2pnet.bench.jmh.SignatureBench;
import org.p2pnet.channel.tcp.internal.CodecBenchAccess;

/**
 * Runs the JMH micro-benchmarks of {@code org.p2pnet.bench.jmh} through JMH's Java API and writes
 * {@code <out>/jmh.json} ({@link Results}): packet encode and decode per built-in type
 * ({@link PacketCodecBench}), the frame decoder splitting a stream and the length-prefix write
 * ({@link FrameCodecBench}), Ed25519 sign and verify with the core's signer, the JDK provider and
 * BouncyCastle ({@link SignatureBench}).
 *
 * <p>Every benchmark runs in throughput mode; each figure is in operations per second (frames/s
 * for the framing), higher is better. A figure's runs are the scores of every measured iteration
 * of every fork, so min / median / max come from them; warm-up iterations are not counted. By
 * default 1 fork, 2 warm-up iterations of 1 s and 3 measured iterations of 1 s per benchmark and
 * parameter: 22 of them, 110 s of iterations plus a JVM start per fork, 2 to 2.5 minutes on 2 cores.
 * Each fork runs with a fixed 1 GiB heap. {@code --quick} runs everything
 * in this JVM (no fork), one 100 ms warm-up and one 100 ms measurement: a smoke test of the
 * benchmarks, not a measurement.
 *
 * <pre>
 * java -cp ... org.p2pnet.bench.JmhSuite --out DIR [--forks N] [--iterations N] [--include REGEX] [--quick]
 * </pre>
 */
public final class JmhSuite {
    static final String NAME = "jmh";
    static final String QUANTITY_ENCODE = "encode";
    static final String QUANTITY_DECODE = "decode";
    static final String QUANTITY_SPLIT = "frame split";
    static final String QUANTITY_PREFIX = "length prefix write";
    static final String QUANTITY_SIGN = "sign";
    static final String QUANTITY_VERIFY = "verify";

    private static final String PACKAGE = "org.p2pnet.bench.jmh.";
    private static final int WARMUP_ITERATIONS = 2;
    /**
     * Added to each fork's JVM arguments (after the suite's own): a fixed heap, so that no run is
     * measured while the heap grows (DATA decode allocates its 64 KiB body every operation).
     */
    private static final String[] FORK_JVM_ARGS = {"-Xms1g", "-Xmx1g"};
    private static final String USAGE = """
            Usage: JmhSuite --out DIR [--forks N] [--iterations N] [--include REGEX] [--quick]
              --out DIR         write DIR/jmh.json (the Results format the report reads)
              --forks N         JVM forks per benchmark (default 1; 0 runs in this JVM)
              --iterations N    measured iterations of 1 s per fork (default 3), after 2 warm-up iterations of 1 s
              --include REGEX   only the benchmarks whose name matches (default: all of org.p2pnet.bench.jmh)
              --quick           smoke test: no fork, one 100 ms warm-up and one 100 ms measurement
            Throughput mode: every figure is in ops/s (frames/s for framing), higher is better.""";

    /** How a benchmark method shows in the report. */
    private record Row(String quantity, String system, String unit, int order) {
    }

    private JmhSuite() {
    }

    public static void main(String[] args) {
        Cli.run("jmh", USAGE, () -> run(args));
    }

    /** Runs the suite; returns the file written, or null after --help. */
    static Path run(String[] args) throws Exception {
        Path out = null;
        int forks = 1;
        int iterations = 3;
        String include = null;
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(Cli.value(args, ++i));
                case "--forks" -> forks = Cli.number(args, ++i, 0);
                case "--iterations" -> iterations = Cli.number(args, ++i, 1);
                case "--include" -> include = Cli.value(args, ++i);
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
        if (quick) {
            forks = 0;
            iterations = 1;
        }
        TimeValue time = quick ? TimeValue.milliseconds(100) : TimeValue.seconds(1);
        int warmups = quick ? 1 : WARMUP_ITERATIONS;

        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(include != null ? include : PACKAGE.replace(".", "\\.") + ".*")
                .forks(forks)
                .warmupIterations(warmups)
                .warmupTime(time)
                .measurementIterations(iterations)
                .measurementTime(time)
                .threads(1)
                .jvmArgsAppend(FORK_JVM_ARGS)
                .shouldFailOnError(true);
        System.err.printf("==> JMH %s: forks %d, %d warm-up + %d measured iterations of %s per benchmark%s%n",
                Version.getPlainVersion(), forks, warmups, iterations, time, quick ? " (quick: smoke test)" : "");
        Collection<RunResult> results;
        try {
            results = new Runner(options.build(),
                    OutputFormatFactory.createFormatInstance(System.err, quick ? VerboseMode.SILENT : VerboseMode.NORMAL))
                    .run();
        } catch (NoBenchmarksException e) {
            throw new IllegalStateException("no benchmark matches '" + (include != null ? include : PACKAGE + "*")
                    + "' (is META-INF/BenchmarkList on the classpath?)", e);
        } catch (RunnerException e) {
            throw new IllegalStateException("JMH failed: " + (e.getMessage() != null ? e.getMessage() : e), e);
        }
        if (results.isEmpty()) {
            throw new IllegalStateException("JMH ran no benchmark" + (include != null ? " matching '" + include + "'" : ""));
        }

        StringBuilder command = new StringBuilder(
                "java -cp benchmarks/target/classes:$(cat benchmarks/target/bench-classpath.txt) " + JmhSuite.class.getName());
        for (String a : args) {
            command.append(' ').append(a.matches("[A-Za-z0-9_./=:-]+") ? a : "'" + a + "'");
        }
        Results.Builder bench = new Results.Builder(NAME,
                "JMH micro-benchmarks: packet codec, framing, Ed25519", command.toString());
        BenchmarkParams first = results.iterator().next().getParams();
        bench.setup("JMH " + Version.getPlainVersion() + ", throughput mode (ops/s; frames/s for framing), 1 thread",
                forks == 0 ? "forks: 0 (in the suite's JVM; a smoke test, not a measurement)"
                        : "forks: " + forks + " per benchmark and parameter",
                "iterations: " + warmups + " warm-up (not counted) + " + iterations + " measured, " + time + " each",
                "JVM: " + first.getVmName() + " " + first.getVmVersion() + " (JDK " + first.getJdkVersion() + ")"
                        + (forks == 0 ? ", the suite's own" : ", fork arguments: " + String.join(" ", first.getJvmArgs())));
        bench.note("Each figure's runs are the scores of its measured JMH iterations (all forks): min / median / max "
                + "over those. One operation: one packet (encode, decode), one frame (frame split, length prefix "
                + "write), one signature made or checked (sign, verify).");
        bench.note("encode / decode: channel-tcp's PacketCodec (frame without the 4-byte prefix; pooled direct "
                + "buffers from Netty's default allocator). Frame sizes with prefix: " + frameSizes() + ".");
        bench.note("frame split: FrameDecoder splitting " + FrameCodecBench.FRAMES + " back-to-back frames arriving in "
                + FrameCodecBench.READ_SIZE / 1024 + " KiB reads (reads filled outside the timing); length prefix "
                + "write: LengthFieldPrepender on one MESSAGE frame, written with a promise.");
        bench.note("sign / verify: a " + SignatureBench.MESSAGE_SIZE + "-byte message (the size of a LAN announcement, trust transcript or genesis registration). "
                + "FastEd25519 is what the node signs with (BouncyCastle underneath); NodeSigner.verify is what it "
                + "verifies with (the JDK provider, X.509 key parsed on every call).");

        List<RunResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparingInt((RunResult r) -> row(r.getParams()).order())
                .thenComparing(r -> row(r.getParams()).system()));
        Map<String, Object> scores = new LinkedHashMap<>();
        for (RunResult result : sorted) {
            BenchmarkParams params = result.getParams();
            Row row = row(params);
            bench.figure(row.quantity(), row.system(), row.unit(), true);
            List<Double> runs = new ArrayList<>();
            for (BenchmarkResult fork : result.getBenchmarkResults()) {
                for (IterationResult iteration : fork.getIterationResults()) {
                    double score = iteration.getPrimaryResult().getScore();
                    bench.add(row.quantity(), row.system(), score);
                    runs.add(score);
                }
            }
            if (runs.isEmpty()) {
                throw new IllegalStateException(params.getBenchmark() + " has no measured iteration");
            }
            double median = runs.stream().mapToDouble(Double::doubleValue).sorted().toArray()[runs.size() / 2];
            System.err.printf(Locale.ROOT, "==> %-20s %-45s %,14.0f %s%n", row.quantity(), row.system(), median, row.unit());
            Map<String, Object> score = new LinkedHashMap<>();
            score.put("benchmark", params.getBenchmark() + params.getParamsKeys().stream()
                    .map(k -> " " + k + "=" + params.getParam(k)).reduce("", String::concat));
            score.put("score", result.getPrimaryResult().getScore());
            score.put("error", result.getPrimaryResult().getScoreError());
            score.put("unit", result.getPrimaryResult().getScoreUnit());
            scores.put(row.quantity() + " / " + row.system(), score);
        }
        bench.extra("jmhScores", scores);
        Path file = Results.write(out, bench.build());
        System.err.println("==> wrote " + file);
        return file;
    }

    /** The report's quantity, system and unit for a benchmark method and its parameters. */
    private static Row row(BenchmarkParams params) {
        String benchmark = params.getBenchmark();
        String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        String type = benchmark.substring(0, benchmark.lastIndexOf('.'));
        String jdk = "JDK " + Runtime.version().feature() + " Ed25519";
        if (type.equals(PacketCodecBench.class.getName())) {
            PacketSample sample = PacketSample.valueOf(params.getParam("type"));
            return switch (method) {
                case "encode" -> new Row(QUANTITY_ENCODE, sample.label(), "ops/s", 100 + sample.ordinal());
                case "decode" -> new Row(QUANTITY_DECODE, sample.label(), "ops/s", 200 + sample.ordinal());
                default -> unknown(benchmark);
            };
        }
        if (type.equals(FrameCodecBench.class.getName())) {
            return switch (method) {
                case "splitStream" -> {
                    PacketSample sample = PacketSample.valueOf(params.getParam("frames"));
                    yield new Row(QUANTITY_SPLIT, sample.label() + " frames", "frames/s", 300 + sample.ordinal());
                }
                case "writePrefix" -> new Row(QUANTITY_PREFIX, PacketSample.MESSAGE.label() + " frame", "frames/s", 400);
                default -> unknown(benchmark);
            };
        }
        if (type.equals(SignatureBench.class.getName())) {
            return switch (method) {
                case "signFastEd25519" -> new Row(QUANTITY_SIGN, "FastEd25519 (node; BouncyCastle)", "ops/s", 500);
                case "signJdk" -> new Row(QUANTITY_SIGN, jdk, "ops/s", 501);
                case "verifyNodeSigner" -> new Row(QUANTITY_VERIFY, "NodeSigner.verify (node; " + jdk
                        + ", key parsed per call)", "ops/s", 600);
                case "verifyJdk" -> new Row(QUANTITY_VERIFY, jdk + " (key parsed once)", "ops/s", 601);
                case "verifyBouncyCastle" -> new Row(QUANTITY_VERIFY, "BouncyCastle Ed25519 (key parsed once)",
                        "ops/s", 602);
                default -> unknown(benchmark);
            };
        }
        return unknown(benchmark);
    }

    private static Row unknown(String benchmark) {
        // a benchmark added to the package without a row here still gets reported, under its own name
        String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        return new Row(method, benchmark.substring(PACKAGE.length()), "ops/s", 1000);
    }

    /** "IDENTITY 523 B, …": each sample's frame length including the 4-byte prefix. */
    private static String frameSizes() {
        CodecBenchAccess codec = CodecBenchAccess.codec(CodecBenchAccess.DEFAULT_MAX_FRAME_SIZE);
        List<String> sizes = new ArrayList<>();
        for (PacketSample sample : PacketSample.values()) {
            ByteBuf frame = codec.encode(sample.packet(), ByteBufAllocator.DEFAULT);
            try {
                sizes.add(sample.name() + " " + (frame.readableBytes() + CodecBenchAccess.LENGTH_FIELD_SIZE) + " B");
            } finally {
                frame.release();
            }
        }
        return String.join(", ", sizes);
    }
}
