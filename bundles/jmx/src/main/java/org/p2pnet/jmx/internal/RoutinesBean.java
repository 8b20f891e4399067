package org.p2pnet.jmx.internal;

import java.util.Comparator;
import java.util.List;

import org.p2pnet.api.routine.NetworkRoutines;
import org.p2pnet.api.routine.RoutineInfo;

/** {@link RoutinesMXBean} over {@link NetworkRoutines#list()}. */
final class RoutinesBean implements RoutinesMXBean {
    private final Source<NetworkRoutines> routines;

    RoutinesBean(Source<NetworkRoutines> routines) {
        this.routines = routines;
    }

    private List<RoutineInfo> list() {
        return routines.read("the routines", NetworkRoutines::list);
    }

    @Override
    public List<RoutineRow> getRoutines() {
        return list().stream().sorted(Comparator.comparing(RoutineInfo::name)).map(RoutineRow::of).toList();
    }

    @Override
    public long getFailures() {
        return list().stream().mapToLong(RoutineInfo::failures).sum();
    }

    @Override
    public long getOverruns() {
        return list().stream().mapToLong(RoutineInfo::overruns).sum();
    }
}
