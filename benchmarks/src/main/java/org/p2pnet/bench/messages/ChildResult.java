package org.p2pnet.bench.messages;

import java.util.List;
import java.util.Map;

/**
 * What one child JVM measured for its one system, written as JSON to the file the parent named
 * and read back by the parent (Jackson, plain record: no Java deserialization).
 *
 * @param system      the system's name in the results
 * @param setup       how the system was set up, one line each
 * @param rate        messages/s, one value per measured run
 * @param p50         round-trip latency median in µs, one value per measured run
 * @param p99         99th percentile in µs, per run
 * @param p999        99.9th percentile in µs, per run
 * @param percentiles the last run's round trips: percentile ("p1" … "p99.99", "max") to µs, for a chart
 * @param notes       anything the report should say (time limits hit, back-pressure waits)
 */
public record ChildResult(String system, List<String> setup, List<Double> rate, List<Double> p50, List<Double> p99,
                          List<Double> p999, Map<String, Double> percentiles, List<String> notes) {
}
