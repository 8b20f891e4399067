package org.p2pnet.api;

/**
 * What {@link PeerNetwork#discernChannels} closed.
 *
 * @param refused  channels the inbound policy no longer allows (blocked since they opened)
 * @param inactive channels on which nothing was received for longer than the limit
 * @param trimmed  channels closed to bring the count down to the low watermark
 * @since 1.2
 */
public record DiscernResult(int refused, int inactive, int trimmed) {
    /** How many channels were closed in all. */
    public int total() {
        return refused + inactive + trimmed;
    }
}
