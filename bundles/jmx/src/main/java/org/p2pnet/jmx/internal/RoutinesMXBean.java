package org.p2pnet.jmx.internal;

import java.util.List;

/** {@code org.p2pnet:type=Routines}: the routine scheduler (what {@code p2p:routines} shows). */
@Description("p2pnet routines (P2PNet's NetworkRoutines, what p2p:routines shows); registered while the"
        + " NetworkRoutines service (bundle org.p2pnet.routines) is there")
public interface RoutinesMXBean {

    @Description("One row per routine, by name: name, intervalMillis, state, running, lastRun, lastDurationMillis"
            + " (-1 before the first run), nextRun, runs, failures, overruns, lastFailure, provider")
    List<RoutineRow> getRoutines();

    @Description("Failed runs of all routines since the scheduler started them")
    long getFailures();

    @Description("Overruns of all routines (runs longer than their interval)")
    long getOverruns();
}
