package org.p2pnet.jmx.internal;

import java.util.List;
import java.util.Map;

/**
 * {@code org.p2pnet:type=Packets}: packet and byte totals in and out, and per packet type the wire
 * counters ({@code PeerNetwork.packetStats()}: packets and frame bytes in and out) and what the
 * core's dispatch did with the received packets (what {@code p2p:handlers} shows).
 */
@Description("p2pnet packets: totals in/out (packets since the core started, bytes since StartedAt of"
        + " org.p2pnet:type=Node), and per packet type the wire counters since the core started (packets and frame"
        + " bytes in and out, as p2p:packets shows) and the received packets that reached dispatch: delivered,"
        + " buffered, dropped, failed (as p2p:handlers shows)")
public interface PacketsMXBean {

    @Description("Packets received on all channels since the core started")
    long getPacketsIn();

    @Description("Packets sent on all channels since the core started")
    long getPacketsOut();

    @Description("Bytes received on all channels (frames with headers), as BytesIn of org.p2pnet:type=Node")
    long getBytesIn();

    @Description("Bytes sent on all channels (frames with headers), as BytesOut of org.p2pnet:type=Node")
    long getBytesOut();

    @Description("One row per packet type the core has counted on the wire, seen or has a handler for, sorted by"
            + " type: type, handlerBundle, handlerBundleId, candidates, packetsIn, packetsOut, bytesIn, bytesOut (wire"
            + " counters: frames with their length prefix, before TLS; received packets counted before the trust"
            + " check), received (= delivered + failed + buffered + dropped), delivered, buffered, dropped, failed."
            + " Types past the core's cap on distinct types are counted in the row (other)")
    List<PacketTypeRow> getTypes();

    @Description("Packets received on the wire since the core started, by type (the packetsIn column of Types)")
    Map<String, Long> getPacketsInByType();

    @Description("Packets written to the wire since the core started, by type (the packetsOut column of Types)")
    Map<String, Long> getPacketsOutByType();

    @Description("Frame bytes received since the core started (length prefix included, before TLS), by type")
    Map<String, Long> getBytesInByType();

    @Description("Frame bytes written since the core started (length prefix included, before TLS), by type")
    Map<String, Long> getBytesOutByType();

    @Description("Received packets that reached dispatch, by type (the received column of Types)")
    Map<String, Long> getReceivedByType();

    @Description("Received packets dropped by the dispatch (no handler in time, buffer full), by type")
    Map<String, Long> getDroppedByType();

    @Description("Packets dropped before dispatch because their channel's trust level was too low (all types)")
    long getDroppedUntrusted();
}
