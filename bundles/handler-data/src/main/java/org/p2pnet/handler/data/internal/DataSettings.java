package org.p2pnet.handler.data.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The checked configuration of PID {@value DataComponent#PID}. Built only through {@link #from} (or
 * {@link #defaults}), so an instance always holds values in range.
 *
 * @param storageDir           where received files go (absolute)
 * @param chunkSize            bytes per DATA chunk sent
 * @param windowBytes          most bytes sent and not yet acknowledged per outgoing transfer
 * @param maxFileSizeBytes     largest file sent or accepted
 * @param maxPayloadBytes      largest TASK or MISC payload sent or accepted
 * @param maxConcurrentPerPeer most transfers running with one peer, both directions together
 * @param maxConcurrentTotal   most transfers running in all
 * @param minFreeDiskBytes     an offer is refused when the free space minus its remaining bytes would fall below this
 * @param partTtlHours         a part file with no offer for this long is deleted
 */
record DataSettings(Path storageDir, int chunkSize, long windowBytes, long maxFileSizeBytes, long maxPayloadBytes,
                    int maxConcurrentPerPeer, int maxConcurrentTotal, long minFreeDiskBytes, int partTtlHours) {
    static final String STORAGE_DIR = "storageDir";
    static final String CHUNK_SIZE = "chunkSize";
    static final String WINDOW_BYTES = "windowBytes";
    static final String MAX_FILE_SIZE = "maxFileSizeBytes";
    static final String MAX_PAYLOAD = "maxPayloadBytes";
    static final String PER_PEER = "maxConcurrentPerPeer";
    static final String TOTAL = "maxConcurrentTotal";
    static final String MIN_FREE = "minFreeDiskBytes";
    static final String PART_TTL = "partTtlHours";

    static final long KIB = 1024;
    static final long MIB = 1024 * KIB;
    static final long GIB = 1024 * MIB;

    static final int DEFAULT_CHUNK_SIZE = (int) (256 * KIB);
    static final long DEFAULT_WINDOW = 8 * MIB;
    static final long DEFAULT_MAX_FILE_SIZE = 8 * GIB;
    static final long DEFAULT_MAX_PAYLOAD = 16 * MIB;
    static final int DEFAULT_PER_PEER = 4;
    static final int DEFAULT_TOTAL = 16;
    static final long DEFAULT_MIN_FREE = 256 * MIB;
    static final int DEFAULT_PART_TTL_HOURS = 24;

    static final int MIN_CHUNK_SIZE = 1024;
    /** Largest chunk sent; also the largest chunk body accepted from a peer. Must fit the channel's maxFrameSize. */
    static final int MAX_CHUNK_SIZE = (int) (4 * MIB);
    static final long MAX_WINDOW = 1 * GIB;
    static final long MAX_FILE_SIZE_LIMIT = 1L << 50;
    static final long MAX_PAYLOAD_LIMIT = 256 * MIB;
    static final int MAX_PER_PEER = 1000;
    static final int MAX_TOTAL = 10_000;
    static final int MAX_PART_TTL_HOURS = 24 * 365;
    /** The receiver acks at least this often (and at least every half of the sender's window). */
    static final long ACK_EVERY = 4 * MIB;

    /** The defaults, with the storage directory given. */
    static DataSettings defaults(Path storageDir) {
        return new DataSettings(storageDir, DEFAULT_CHUNK_SIZE, DEFAULT_WINDOW, DEFAULT_MAX_FILE_SIZE,
                DEFAULT_MAX_PAYLOAD, DEFAULT_PER_PEER, DEFAULT_TOTAL, DEFAULT_MIN_FREE, DEFAULT_PART_TTL_HOURS);
    }

    /**
     * Checks every value.
     *
     * @param defaultStorage the storage directory when {@code storageDir} is empty
     * @throws IllegalArgumentException naming the PID, the first key whose value is invalid, and the value
     */
    static DataSettings from(DataComponent.Config c, Path defaultStorage) {
        String dirText = get(STORAGE_DIR, c::storageDir);
        Path dir;
        if (dirText == null || dirText.isBlank()) {
            dir = defaultStorage;
        } else {
            try {
                dir = Path.of(dirText.trim());
            } catch (InvalidPathException e) {
                throw invalid(STORAGE_DIR, dirText, "is not a path (" + e.getReason() + ")");
            }
            if (!dir.isAbsolute()) {
                throw invalid(STORAGE_DIR, dirText, "must be an absolute path (or empty for ${karaf.data}/p2pnet/files)");
            }
        }
        int chunk = (int) range(CHUNK_SIZE, c::chunkSize, MIN_CHUNK_SIZE, MAX_CHUNK_SIZE);
        long window = range(WINDOW_BYTES, c::windowBytes, 1, MAX_WINDOW);
        if (window < 2L * chunk) {
            throw invalid(WINDOW_BYTES, window, "must be at least twice chunkSize (" + chunk + ")");
        }
        long maxFile = range(MAX_FILE_SIZE, c::maxFileSizeBytes, 1, MAX_FILE_SIZE_LIMIT);
        long maxPayload = range(MAX_PAYLOAD, c::maxPayloadBytes, 1, MAX_PAYLOAD_LIMIT);
        int perPeer = (int) range(PER_PEER, c::maxConcurrentPerPeer, 1, MAX_PER_PEER);
        int total = (int) range(TOTAL, c::maxConcurrentTotal, 1, MAX_TOTAL);
        long minFree = range(MIN_FREE, c::minFreeDiskBytes, 0, Long.MAX_VALUE / 4);
        int ttl = (int) range(PART_TTL, c::partTtlHours, 1, MAX_PART_TTL_HOURS);
        return new DataSettings(dir.toAbsolutePath().normalize(), chunk, window, maxFile, maxPayload, perPeer, total,
                minFree, ttl);
    }

    /** How often a receiver acks, for a sender with this window. */
    static long ackEvery(long senderWindow) {
        return Math.max(1, Math.min(ACK_EVERY, senderWindow / 2));
    }

    private static String get(String key, Supplier<String> configured) {
        try {
            return configured.get();
        } catch (RuntimeException e) {
            throw invalid(key, "?", "is not a string (" + e.getMessage() + ")");
        }
    }

    private static long range(String key, LongSupplier configured, long min, long max) {
        long value;
        try {
            value = configured.getAsLong();
        } catch (RuntimeException notANumber) {
            throw invalid(key, "?", "is not an integer (" + notANumber.getMessage() + ")");
        }
        if (value < min || value > max) {
            throw invalid(key, value, "must be " + min + "-" + max);
        }
        return value;
    }

    private static IllegalArgumentException invalid(String key, Object value, String problem) {
        return new IllegalArgumentException("invalid configuration of " + DataComponent.PID + ": " + key + " = "
                + value + " " + problem);
    }
}
