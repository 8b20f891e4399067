package org.p2pnet.api.broadcast;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: told of each broadcast delivered here (once per id). Also posted on EventAdmin as
 * {@value #TOPIC}. Called off network threads; an exception is logged.
 */
@ConsumerType
public interface BroadcastListener {
    String TOPIC = "org/p2pnet/broadcast/RECEIVED";

    void broadcast(ReceivedBroadcast broadcast) throws Exception;
}
