package org.p2pnet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What one benchmark measured, as the report writer reads it: {@code <results dir>/<name>.json}.
 * A figure is one quantity of one system (e.g. "messages/s" of "JGroups 5.4") with the value of
 * every repeated run; the report shows min / median / max of them. Every bench main writes one
 * of these with {@link #write}.
 */
public final class Results {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One quantity of one system over the repeated runs. */
    public record Figure(String quantity, String system, String unit, boolean higherIsBetter, List<Double> runs) {
        public Figure {
            runs = List.copyOf(runs);
        }

        public double min() {
            return runs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        }

        public double max() {
            return runs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }

        public double median() {
            double[] v = runs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            if (v.length == 0) {
                return Double.NaN;
            }
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }
    }

    /** A whole benchmark: its title, how it was run, its figures and notes (setup, caveats) for the report. */
    public record Bench(String name, String title, String command, List<String> setup, List<Figure> figures,
                        List<String> notes, Map<String, Object> extra) {
        public Bench {
            setup = List.copyOf(setup);
            figures = List.copyOf(figures);
            notes = List.copyOf(notes);
            extra = extra == null ? Map.of() : new LinkedHashMap<>(extra);
        }

        public Figure figure(String quantity, String system) {
            return figures.stream().filter(f -> f.quantity().equals(quantity) && f.system().equals(system))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException(
                            name + ": no figure '" + quantity + "' of '" + system + "'"));
        }
    }

    /** Collects figures run by run: {@code add(quantity, system, value)} once per run. */
    public static final class Builder {
        private final String name;
        private final String title;
        private final String command;
        private final List<String> setup = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private final Map<String, Object> extra = new LinkedHashMap<>();
        private final Map<String, Figure> figures = new LinkedHashMap<>();
        private final Map<String, List<Double>> values = new LinkedHashMap<>();

        public Builder(String name, String title, String command) {
            this.name = name;
            this.title = title;
            this.command = command;
        }

        /** Declares a figure (its unit and direction); call before {@link #add}. */
        public Builder figure(String quantity, String system, String unit, boolean higherIsBetter) {
            String key = quantity + "\u0000" + system;
            figures.put(key, new Figure(quantity, system, unit, higherIsBetter, List.of()));
            values.put(key, new ArrayList<>());
            return this;
        }

        public Builder add(String quantity, String system, double value) {
            List<Double> runs = values.get(quantity + "\u0000" + system);
            if (runs == null) {
                throw new IllegalArgumentException("undeclared figure '" + quantity + "' of '" + system + "'");
            }
            runs.add(value);
            return this;
        }

        public Builder setup(String... lines) {
            setup.addAll(Arrays.asList(lines));
            return this;
        }

        public Builder note(String line) {
            notes.add(line);
            return this;
        }

        /** Anything else the report may want (e.g. a latency histogram for a chart). */
        public Builder extra(String key, Object value) {
            extra.put(key, value);
            return this;
        }

        public Bench build() {
            List<Figure> list = new ArrayList<>();
            figures.forEach((key, f) -> list.add(new Figure(f.quantity(), f.system(), f.unit(), f.higherIsBetter(),
                    values.get(key))));
            return new Bench(name, title, command, setup, list, notes, extra);
        }
    }

    private Results() {
    }

    /** Writes {@code dir/<name>.json}. */
    public static Path write(Path dir, Bench bench) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(bench.name() + ".json");
        JSON.writeValue(file.toFile(), bench);
        return file;
    }

    public static Bench read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), Bench.class);
    }
}
