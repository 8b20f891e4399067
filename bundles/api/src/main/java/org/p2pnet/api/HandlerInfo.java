package org.p2pnet.api;

/**
 * One packet type's dispatch state, as {@code p2p:handlers} shows it.
 *
 * @param packetType  the packet type name
 * @param bundle      the symbolic name of the bundle whose handler is active, or empty when none is
 * @param bundleId    that bundle's id, or -1
 * @param ranking     the active handler's service ranking
 * @param candidates  how many handlers are registered for the type (the highest ranked is active)
 * @param delivered   packets delivered to a handler
 * @param buffered    packets waiting now for a handler to appear
 * @param dropped     packets dropped because no handler appeared in time or the buffer was full
 * @param failed      packets whose handler threw
 */
public record HandlerInfo(String packetType, String bundle, long bundleId, int ranking, int candidates,
                          long delivered, long buffered, long dropped, long failed) {
}
