package org.p2pnet.routines.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.p2pnet.api.routine.Intervals;

/**
 * Reads the scheduler's keys of PID {@value RoutineScheduler#PID}: {@code <name>.interval} (an
 * {@link Intervals#parse interval}: {@code 30s}, {@code 5m}) and {@code <name>.enabled}
 * ({@code true} or {@code false}). Other keys ({@code service.pid}, a routine's own settings such as
 * {@code DiscernPeerChannels.inactivityLimit}) are not the scheduler's and are skipped.
 *
 * <p>An invalid value is rejected with a message naming the key and the value, and the routine
 * keeps the setting it had for that key before.
 */
final class RoutineConfiguration {
    static final String INTERVAL = "interval";
    static final String ENABLED = "enabled";

    /**
     * The settings read.
     *
     * @param settings   by routine name
     * @param rejections by key: why its value was rejected
     */
    record Result(Map<String, Scheduler.Settings> settings, Map<String, String> rejections) {
    }

    private RoutineConfiguration() {
    }

    /**
     * @param properties the configuration (null: none)
     * @param previous   the settings in force, kept for a key whose new value is invalid
     */
    static Result read(Map<String, ?> properties, Map<String, Scheduler.Settings> previous) {
        Map<String, Duration> intervals = new HashMap<>();
        Map<String, Boolean> enabled = new HashMap<>();
        Map<String, String> rejections = new LinkedHashMap<>();
        Map<String, ?> sorted = properties == null ? Map.of() : new TreeMap<>(properties);
        for (Map.Entry<String, ?> property : sorted.entrySet()) {
            String key = property.getKey();
            int dot = key.lastIndexOf('.');
            if (dot <= 0) {
                continue;
            }
            String name = key.substring(0, dot);
            String setting = key.substring(dot + 1);
            if (!setting.equals(INTERVAL) && !setting.equals(ENABLED)) {
                continue;
            }
            Object value = property.getValue();
            try {
                Scheduler.checkName(name);
                if (setting.equals(INTERVAL)) {
                    intervals.put(name, interval(value));
                } else {
                    enabled.put(name, enabled(value));
                }
            } catch (IllegalArgumentException invalid) {
                rejections.put(key, invalid(key, value, invalid.getMessage()));
                Scheduler.Settings before = previous.get(name);
                if (before != null && setting.equals(INTERVAL) && before.interval() != null) {
                    intervals.put(name, before.interval());
                } else if (before != null && setting.equals(ENABLED) && before.enabled() != null) {
                    enabled.put(name, before.enabled());
                }
            }
        }
        Map<String, Scheduler.Settings> settings = new HashMap<>();
        intervals.forEach((name, d) -> settings.put(name, new Scheduler.Settings(d, enabled.get(name))));
        enabled.forEach((name, on) -> settings.putIfAbsent(name, new Scheduler.Settings(null, on)));
        return new Result(settings, rejections);
    }

    /**
     * An interval as Config Admin holds it: text ({@code 30s}) or, from a typed configuration, a
     * number of milliseconds.
     */
    static Duration interval(Object value) {
        if (value instanceof Long || value instanceof Integer) {
            return Intervals.check(Duration.ofMillis(((Number) value).longValue()));
        }
        if (value instanceof String text) {
            return Intervals.parse(text);
        }
        throw new IllegalArgumentException("an interval is text such as 30s or 5m, not a "
                + (value == null ? "null" : value.getClass().getSimpleName()));
    }

    /** {@code true} or {@code false}, any case, or a Boolean. */
    static boolean enabled(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            if (t.equals("true") || t.equals("false")) {
                return Boolean.parseBoolean(t);
            }
        }
        throw new IllegalArgumentException("write true or false");
    }

    static String invalid(String key, Object value, String problem) {
        return "invalid configuration of " + RoutineScheduler.PID + ": " + key + " = " + value + " rejected ("
                + problem + ")";
    }
}
