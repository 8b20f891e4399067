package org.p2pnet.bench.messages;

import java.util.List;

/**
 * One system under test with both ends of its one channel in this JVM: member 1 sends, member 2
 * receives (and answers in the latency phase). Member 2 and member 1's receive paths report to
 * the {@link Traffic} given to {@link #open}. Used from a single driver thread.
 */
public interface MessageSystem extends AutoCloseable {
    /** The name in the results, e.g. "JGroups 5.4 (TCP)". */
    String name();

    /** Starts both members and connects them; returns once member 1 can send to member 2. */
    void open(Traffic traffic) throws Exception;

    /**
     * Sends message {@code seq} from member 1 to member 2, waiting only as the system's own
     * back-pressure demands (never for the message's delivery).
     */
    void send(long seq) throws Exception;

    /** After a burst of {@link #send}s: push out anything the sender buffered (only the raw socket buffers). */
    default void flush() throws Exception {
    }

    /** How this system was set up, for the report (one line each). */
    List<String> describe();

    @Override
    void close();
}
