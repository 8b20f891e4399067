package org.p2pnet.api.message;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.p2pnet.api.PeerId;

/** The last messages received, per peer. Provided by the message handler bundle. */
@ProviderType
public interface MessageLog {
    /** EventAdmin topic posted for every received message. */
    String TOPIC_RECEIVED = "org/p2pnet/message/RECEIVED";

    /** The last messages from every peer, oldest first, at most {@code limit}. */
    List<ReceivedMessage> recent(int limit);

    /** The last messages from one peer, oldest first, at most {@code limit}. */
    List<ReceivedMessage> recent(PeerId from, int limit);

    /** Total messages received since start. */
    long received();
}
