package org.p2pnet.shell.command;

import java.util.Locale;

import org.p2pnet.api.data.TransferInfo;

/** How sizes, rates and progress of data transfers look in text output. */
final class DataOutput {
    static final String NO_DATA = "the data bundle is not running (feature:install p2pnet-handlers)";
    /** Digits of a transfer id shown in tables and progress lines. */
    static final int ID_PREFIX = 12;
    /** Digits of a SHA-256 shown in tables. */
    static final int SHA_PREFIX = 16;

    private static final double MIB = 1024.0 * 1024.0;
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    private DataOutput() {
    }

    /** {@code 512 B}, {@code 1.5 MiB}. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double v = n;
        int unit = 0;
        while (v >= 1024 && unit < UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, UNITS[unit]);
    }

    /** {@code 12.3 MiB/s}. */
    static String rate(long bytesPerSecond) {
        return String.format(Locale.ROOT, "%.1f MiB/s", bytesPerSecond / MIB);
    }

    /**
     * Once ended: the average over the whole transfer for a DONE one ({@code 12.3 MiB/s avg}, from
     * its start to its end, hashing included), {@code -} otherwise or when no time passed.
     */
    static String endRate(TransferInfo t) {
        long millis = java.time.Duration.between(t.startedAt(), t.updatedAt()).toMillis();
        if (t.state() != TransferInfo.State.DONE || millis <= 0) {
            return "-";
        }
        return rate(t.totalSize() * 1000 / millis) + " avg";
    }

    /** Time left at the current rate, {@code 0:07} or {@code 1:02:03}; {@code -} when unknown or not moving. */
    static String eta(TransferInfo t) {
        if (t.state().ended()) {
            return "0:00";
        }
        long left = t.totalSize() - t.transferred();
        if (t.bytesPerSecond() <= 0 || left < 0) {
            return TextOutput.NONE;
        }
        long seconds = (left + t.bytesPerSecond() - 1) / t.bytesPerSecond();
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }

    static String shortId(String transferId) {
        return transferId.length() > ID_PREFIX ? transferId.substring(0, ID_PREFIX) : transferId;
    }

    /** {@code [#########-----------]} for the percent, {@code width} cells between the brackets. */
    static String bar(int percent, int width) {
        int filled = Math.max(0, Math.min(width, percent * width / 100));
        return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "]";
    }

    /** One progress line: id, direction arrow and peer, bar, percent, bytes, rate, ETA, state (and detail once ended). */
    static String progressLine(TransferInfo t) {
        String arrow = t.direction() == TransferInfo.Direction.OUTGOING ? "->" : "<-";
        StringBuilder line = new StringBuilder()
                .append(shortId(TextOutput.printable(t.id()))).append(' ').append(arrow).append(' ')
                .append(t.peer().shortForm()).append(' ')
                .append(bar(t.percent(), 20)).append(' ')
                .append(String.format(Locale.ROOT, "%3d%%", t.percent())).append(' ')
                .append(bytes(t.transferred())).append('/').append(bytes(t.totalSize())).append(' ')
                .append(t.state().ended() ? endRate(t) : rate(t.bytesPerSecond())).append(" ETA ").append(eta(t))
                .append(' ')
                .append(t.state());
        if (t.state().ended() || t.state() == TransferInfo.State.INTERRUPTED || t.state() == TransferInfo.State.QUEUED) {
            if (!t.detail().isEmpty()) {
                line.append(": ").append(TextOutput.printable(t.detail()));
            }
        }
        return line.toString();
    }
}
