package org.p2pnet.routines.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import org.p2pnet.api.routine.Intervals;
import org.slf4j.Logger;

/**
 * The own settings of a default routine, read from the same PID as the scheduler's keys
 * ({@code <name>.<setting>}). Reading is all or nothing: an invalid value is rejected with a message
 * naming the key and the value, counted, and the routine keeps its previous settings.
 *
 * @param <S> the checked settings
 */
final class RoutineSettings<S> {
    private final String routine;
    private final Function<Map<String, ?>, S> reader;
    private final Logger log;
    private final LongAdder rejected = new LongAdder();
    private volatile S current;

    /**
     * @param routine  the routine's name, for the log
     * @param reader   checks every value; throws {@link IllegalArgumentException} naming key and value
     * @param defaults the settings without configuration
     */
    RoutineSettings(String routine, Function<Map<String, ?>, S> reader, S defaults, Logger log) {
        this.routine = routine;
        this.reader = reader;
        this.current = defaults;
        this.log = log;
    }

    /** Applies a configuration (null: none); an invalid one is logged, counted and ignored. */
    void configure(Map<String, ?> properties) {
        try {
            current = reader.apply(properties == null ? Map.of() : properties);
        } catch (IllegalArgumentException invalid) {
            rejected.increment();
            log.error("{}; {} keeps its previous settings", invalid.getMessage(), routine);
        }
    }

    S get() {
        return current;
    }

    /** Configurations rejected since activation. */
    long rejected() {
        return rejected.sum();
    }

    /** An interval ({@link Intervals#parse}) under {@code key}, or {@code otherwise} when absent. */
    static Duration interval(Map<String, ?> properties, String key, Duration otherwise) {
        Object value = properties.get(key);
        if (value == null) {
            return otherwise;
        }
        try {
            return RoutineConfiguration.interval(value);
        } catch (IllegalArgumentException invalid) {
            throw new IllegalArgumentException(RoutineConfiguration.invalid(key, value, invalid.getMessage()), invalid);
        }
    }

    /** A whole number in {@code min..max} under {@code key}, or {@code otherwise} when absent. */
    static int integer(Map<String, ?> properties, String key, int otherwise, int min, int max) {
        Object value = properties.get(key);
        if (value == null) {
            return otherwise;
        }
        int n;
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            long l = ((Number) value).longValue();
            n = l < Integer.MIN_VALUE || l > Integer.MAX_VALUE ? Integer.MIN_VALUE : (int) l;
        } else {
            try {
                n = Integer.parseInt(value.toString().trim());
            } catch (NumberFormatException notANumber) {
                throw new IllegalArgumentException(RoutineConfiguration.invalid(key, value,
                        "not a whole number; write " + min + "-" + max));
            }
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(RoutineConfiguration.invalid(key, value, "must be " + min + "-" + max));
        }
        return n;
    }
}
