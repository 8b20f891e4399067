package org.p2pnet.jmx.internal;

import java.util.List;
import java.util.Map;

/**
 * {@code org.p2pnet:type=Packets}: packet and byte totals in and out, and per packet type what the
 * core's dispatch counts for received packets (what {@code p2p:handlers} shows). The API counts
 * sent packets and bytes per channel, not per type: those are totals here.
 */
@Description("p2pnet packets: totals in/out (packets since the core started, bytes since StartedAt of"
        + " org.p2pnet:type=Node), and per packet type the received packets that reached dispatch: delivered,"
        + " buffered, dropped, failed (what p2p:handlers shows). Sent packets and bytes are counted per channel"
        + " by the core, not per type")
public interface PacketsMXBean {

    @Description("Packets received on all channels since the core started")
    long getPacketsIn();

    @Description("Packets sent on all channels since the core started")
    long getPacketsOut();

    @Description("Bytes received on all channels (frames with headers), as BytesIn of org.p2pnet:type=Node")
    long getBytesIn();

    @Description("Bytes sent on all channels (frames with headers), as BytesOut of org.p2pnet:type=Node")
    long getBytesOut();

    @Description("One row per packet type the core has seen or has a handler for, sorted by type: type,"
            + " handlerBundle, handlerBundleId, candidates, received (= delivered + failed + buffered + dropped),"
            + " delivered, buffered, dropped, failed")
    List<PacketTypeRow> getTypes();

    @Description("Received packets that reached dispatch, by type (the received column of Types)")
    Map<String, Long> getReceivedByType();

    @Description("Received packets dropped by the dispatch (no handler in time, buffer full), by type")
    Map<String, Long> getDroppedByType();

    @Description("Packets dropped before dispatch because their channel's trust level was too low (all types)")
    long getDroppedUntrusted();
}
