package org.p2pnet.api.routine;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard SPI: a periodic node task (P2PNet's NetworkRoutines entry, e.g. RotateBroadcastPort).
 * Register a service with {@value #NAME_PROPERTY} naming it and, optionally,
 * {@value #INTERVAL_PROPERTY} giving its default interval; a routine scheduler runs it. Never
 * called concurrently with itself.
 */
@ConsumerType
public interface Routine {
    /** Service property: the routine's name, unique per node (P2PNet's RoutineName). */
    String NAME_PROPERTY = "p2pnet.routine.name";

    /** Service property: the default interval in milliseconds (a Long or a numeric String). */
    String INTERVAL_PROPERTY = "p2pnet.routine.interval.ms";

    /** Runs once. An exception is logged by the scheduler, which keeps the schedule. */
    void run() throws Exception;
}
