package org.p2pnet.handler.peergroup.internal;

import java.time.Duration;
import java.util.function.IntSupplier;

import org.p2pnet.api.packet.PeerGroupPacket;

/**
 * The checked configuration of PID {@value PeerExchange#PID}. Built only through {@link #from},
 * so an instance always holds values in range.
 *
 * @param answerMax                  most peers in one answer, whatever the request wants
 * @param acceptPerPacket            most entries taken from one PEER_GROUP
 * @param acceptPerMinutePerChannel  most entries taken from one channel per minute
 * @param answersPerMinutePerChannel most requests answered per channel per minute
 * @param recent                     a peer not connected is shared only if seen within this time
 * @param candidateBookSize          most candidates remembered
 * @param requestWant                what this node asks for; 0 = never ask
 */
record PeerExchangeSettings(int answerMax, int acceptPerPacket, int acceptPerMinutePerChannel,
                            int answersPerMinutePerChannel, Duration recent, int candidateBookSize,
                            int requestWant) {
    static final int MAX_ACCEPT_PER_MINUTE = 100_000;
    static final int MAX_ANSWERS_PER_MINUTE = 600;
    /** Thirty days. */
    static final int MAX_RECENT_MINUTES = 43_200;
    static final int MAX_CANDIDATE_BOOK = 100_000;

    /**
     * Checks every value.
     *
     * @throws IllegalArgumentException naming the PID, the first key whose value is invalid, and the value
     */
    static PeerExchangeSettings from(PeerExchange.Config c) {
        int answerMax = range("answerMax", c::answerMax, 1, PeerGroupPacket.MAX_WANT);
        int acceptPerPacket = range("acceptPerPacket", c::acceptPerPacket, 0, PeerGroupPacket.MAX_PEERS);
        int acceptPerMinute = range("acceptPerMinutePerChannel", c::acceptPerMinutePerChannel, 0, MAX_ACCEPT_PER_MINUTE);
        int answersPerMinute = range("answersPerMinutePerChannel", c::answersPerMinutePerChannel, 0,
                MAX_ANSWERS_PER_MINUTE);
        int recentMinutes = range("recentMinutes", c::recentMinutes, 1, MAX_RECENT_MINUTES);
        int bookSize = range("candidateBookSize", c::candidateBookSize, 1, MAX_CANDIDATE_BOOK);
        int requestWant = range("requestWant", c::requestWant, 0, PeerGroupPacket.MAX_WANT);
        return new PeerExchangeSettings(answerMax, acceptPerPacket, acceptPerMinute, answersPerMinute,
                Duration.ofMinutes(recentMinutes), bookSize, requestWant);
    }

    private static int range(String key, IntSupplier configured, int min, int max) {
        int value;
        try {
            value = configured.getAsInt();
        } catch (RuntimeException notAnInteger) {
            throw invalid(key, "?", "is not an integer (" + notAnInteger.getMessage() + ")");
        }
        if (value < min || value > max) {
            throw invalid(key, value, "must be " + min + "-" + max);
        }
        return value;
    }

    private static IllegalArgumentException invalid(String key, Object value, String problem) {
        return new IllegalArgumentException("invalid configuration of " + PeerExchange.PID + ": " + key + " = "
                + value + " " + problem);
    }
}
