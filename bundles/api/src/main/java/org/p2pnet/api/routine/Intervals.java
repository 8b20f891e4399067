package org.p2pnet.api.routine;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Routine intervals as operators write them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}. */
public final class Intervals {
    /** Shortest interval a routine may have. */
    public static final Duration MIN = Duration.ofMillis(100);
    /** Longest interval a routine may have. */
    public static final Duration MAX = Duration.ofDays(7);

    private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private Intervals() {
    }

    /**
     * Parses {@code <number><unit>} with unit {@code ms}, {@code s}, {@code m}, {@code h} or
     * {@code d} (no spaces, any case), between {@link #MIN} and {@link #MAX}.
     *
     * @throws IllegalArgumentException naming the text and what is accepted
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher m = FORM.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an interval: write a whole number and a unit,"
                    + " e.g. 500ms, 30s, 5m, 1h, 1d");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        return check(d);
    }

    /**
     * @return {@code interval}
     * @throws IllegalArgumentException when it is outside {@link #MIN}..{@link #MAX}
     */
    public static Duration check(Duration interval) {
        if (interval == null || interval.compareTo(MIN) < 0 || interval.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("an interval must be between " + format(MIN) + " and " + format(MAX)
                    + ", not " + (interval == null ? "nothing" : format(interval)));
        }
        return interval;
    }

    /** The shortest exact form: {@code 90s}, {@code 5m}, {@code 250ms}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0 || ms % 1000L != 0) {
            return ms + "ms";
        }
        if (ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        return ms / 1000L + "s";
    }
}
