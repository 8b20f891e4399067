package org.p2pnet.jmx.internal;

import java.util.List;

/** {@code org.p2pnet:type=Transfers}: file and data transfers (what {@code p2p:transfers} shows). */
@Description("p2pnet data transfers under way and recently ended (what p2p:transfers shows); registered while the"
        + " data handler's DataTransfers service (bundle org.p2pnet.handler.data) is there")
public interface TransfersMXBean {

    @Description("One row per transfer, newest first: id, peerId, shortId, direction (OUTGOING/INCOMING), format,"
            + " name, size, transferred, percent, state, bytesPerSecond, startedAt, updatedAt, detail")
    List<TransferRow> getTransfers();

    @Description("Transfers not ended (QUEUED, RUNNING, INTERRUPTED, VERIFYING)")
    int getActive();

    @Description("The sum of the rates of the transfers moving now, bytes per second")
    long getBytesPerSecond();

    @Description("Files received, verified and stored that are still on disk (what p2p:files lists)")
    int getFilesStored();
}
