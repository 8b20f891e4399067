package org.p2pnet.api;

import java.util.Map;

/**
 * Received input that a bundle refused or ignored, counted by kind. Every bundle that judges what
 * peers send (a packet handler, the trust protocol) publishes one as a service, so that operators
 * ({@code p2p:drops}) and tests see each refusal in one place, beside the node's own rejections
 * ({@link NodeStatus#rejections()}: the input that closed a channel). Each bundle also logs the
 * first of a kind at once and then at most one line per kind a minute.
 *
 * <p>Publish it with the service property {@value #SOURCE_PROPERTY} set to {@link #source()}, so that
 * one source can be picked with a filter.
 */
public interface InputDrops {
    /** The service property naming the source, equal to {@link #source()}. */
    String SOURCE_PROPERTY = "p2pnet.drops.source";

    /** A short lower-case name of what judged the input, such as {@code broadcast} or {@code trust}. */
    String source();

    /**
     * Every kind this source counts, in a stable order, each with how many were dropped since the
     * bundle started; kinds never seen count zero, so the list also tells what can be refused.
     */
    Map<String, Long> counts();

    /** The count of one kind; zero for a kind this source does not know. */
    default long count(String kind) {
        return counts().getOrDefault(kind, 0L);
    }

    /** Every kind's count as a map of names, from an enum-keyed map (for implementations). */
    static <K extends Enum<K>> Map<String, Long> byName(Map<K, Long> counts) {
        Map<String, Long> byName = new java.util.LinkedHashMap<>();
        counts.forEach((k, n) -> byName.put(k.name(), n));
        return java.util.Collections.unmodifiableMap(byName);
    }
}
