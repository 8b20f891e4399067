package org.p2pnet.routines.internal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import org.p2pnet.api.routine.NetworkRoutines;
import org.p2pnet.api.routine.Routine;
import org.p2pnet.api.routine.RoutineInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link NetworkRoutines} service: one instance per bundle that uses it, so that the routines a
 * bundle {@link #add added} are removed when it stops (or releases the service).
 */
@Component(service = NetworkRoutines.class, scope = ServiceScope.BUNDLE)
public final class NetworkRoutinesService implements NetworkRoutines {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkRoutinesService.class);

    private final RoutineScheduler scheduler;
    private final Set<AutoCloseable> added = ConcurrentHashMap.newKeySet();

    @Activate
    public NetworkRoutinesService(@Reference RoutineScheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** The using bundle released the service (it stopped): its routines go. */
    @Deactivate
    void deactivate() {
        for (AutoCloseable handle : added) {
            try {
                handle.close();
            } catch (Exception e) {
                LOG.debug("Removing a routine failed: {}", e.toString());
            }
        }
        added.clear();
    }

    @Override
    public List<RoutineInfo> list() {
        return scheduler.list();
    }

    @Override
    public Optional<RoutineInfo> routine(String name) {
        return scheduler.routine(name);
    }

    @Override
    public AutoCloseable add(String name, Duration interval, Routine routine) {
        AutoCloseable inner = scheduler.add(name, interval, routine);
        AutoCloseable[] self = new AutoCloseable[1];
        self[0] = () -> {
            added.remove(self[0]);
            inner.close();
        };
        added.add(self[0]);
        return self[0];
    }

    @Override
    public void start(String name) {
        scheduler.start(name);
    }

    @Override
    public void stop(String name) {
        scheduler.stop(name);
    }

    @Override
    public void interval(String name, Duration interval) {
        scheduler.interval(name, interval);
    }

    @Override
    public CompletionStage<RoutineInfo> runNow(String name) {
        return scheduler.runNow(name);
    }
}
