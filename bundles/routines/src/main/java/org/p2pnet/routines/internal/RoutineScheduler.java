package org.p2pnet.routines.internal;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ManagedService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.p2pnet.api.routine.Intervals;
import org.p2pnet.api.routine.Routine;
import org.p2pnet.api.routine.RoutineInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routine scheduler component (PID {@value #PID}): schedules every {@link Routine} whiteboard
 * service by its {@value Routine#NAME_PROPERTY}, and those added through
 * {@link org.p2pnet.api.routine.NetworkRoutines} ({@link NetworkRoutinesService}, one per using
 * bundle). A thin shell around {@link Scheduler}: one timer thread wakes at the next due time and
 * hands the due runs to a pool of {@value #THREADS} threads; both are named
 * {@value #THREAD_PREFIX}* and released on deactivation.
 *
 * <p>The configuration ({@code <name>.interval}, {@code <name>.enabled}) arrives through
 * {@link ManagedService}, since its keys depend on the routines present; {@link #start},
 * {@link #stop} and {@link #interval} apply at once and write their key through Config Admin.
 */
@Component(name = RoutineScheduler.PID, configurationPolicy = ConfigurationPolicy.IGNORE, immediate = true,
        service = {RoutineScheduler.class, ManagedService.class},
        property = Constants.SERVICE_PID + "=" + RoutineScheduler.PID)
@Designate(ocd = RoutinesConfig.class)
public final class RoutineScheduler implements ManagedService {
    public static final String PID = "org.p2pnet.routines";
    /** Prefix of every thread of this component. */
    static final String THREAD_PREFIX = "p2pnet-routine-";
    /** Threads running routines; more routines due at once wait their turn. */
    static final int THREADS = 2;
    /** How long deactivation waits for runs under way before interrupting them. */
    static final Duration STOP_WAIT = Duration.ofSeconds(5);
    /** {@link RoutineInfo#provider()} of the routines added through the API. */
    static final String API_PROVIDER = "api";

    private static final Logger LOG = LoggerFactory.getLogger(RoutineScheduler.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** A whiteboard Routine service as this component saw it; guarded by {@link #whiteboard}. */
    private static final class Registered {
        final long serviceId;
        final Routine routine;
        final String provider;
        String name;
        Duration interval;
        Scheduler.Entry entry;
        boolean problemLogged;

        Registered(long serviceId, Routine routine, String provider) {
            this.serviceId = serviceId;
            this.routine = routine;
            this.provider = provider;
        }
    }

    private final Clock clock;
    private final Scheduler scheduler;
    private final ExecutorService pool;
    private final ScheduledExecutorService timer;
    private final Map<Long, Registered> whiteboard = new TreeMap<>();
    private final LongAdder rejectedConfigurations = new LongAdder();
    private final LongAdder ignoredRoutines = new LongAdder();
    private final AtomicBoolean warnedNoConfigAdmin = new AtomicBoolean();
    /** The rejections of the last configuration, by key: a rejection is logged when it is new. */
    private Map<String, String> lastRejections = Map.of();

    private final Object armLock = new Object();
    private ScheduledFuture<?> armed;
    private Instant armedFor;
    private volatile boolean closed;

    /** Config Admin when there is one (the component restarts when it comes or goes). */
    private final ConfigurationAdmin configAdmin;

    @Activate
    public RoutineScheduler(
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            ConfigurationAdmin configAdmin) {
        this(Clock.systemUTC(), configAdmin, stored(configAdmin), INSTANCES.incrementAndGet());
        LOG.info("Routine scheduler is up: {} threads", THREADS);
    }

    private RoutineScheduler(Clock clock, ConfigurationAdmin configAdmin, Map<String, ?> initial, int instance) {
        this.clock = clock;
        this.configAdmin = configAdmin;
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                named(() -> THREAD_PREFIX + instance + "-" + threads.incrementAndGet()));
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1,
                named(() -> THREAD_PREFIX + instance + "-timer"));
        t.setRemoveOnCancelPolicy(true);
        t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.timer = t;
        this.scheduler = new Scheduler(clock, pool, this::rearm);
        updatedMap(initial);
    }

    /** For tests: a scheduler driven by hand ({@link #scheduler()}), with no thread of its own. */
    RoutineScheduler(Clock clock, java.util.concurrent.Executor runner, ConfigurationAdmin configAdmin,
                     Map<String, ?> initial) {
        this.clock = clock;
        this.configAdmin = configAdmin;
        this.pool = null;
        this.timer = null;
        this.scheduler = new Scheduler(clock, runner, () -> { });
        updatedMap(initial);
    }

    /** For tests: the real threads, and a clock of the test's choosing. */
    static RoutineScheduler withThreads(Clock clock, ConfigurationAdmin configAdmin) {
        return new RoutineScheduler(clock, configAdmin, Map.of(), INSTANCES.incrementAndGet());
    }

    private static ThreadFactory named(java.util.function.Supplier<String> name) {
        return task -> {
            Thread thread = new Thread(task, name.get());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The stored configuration of {@value #PID}, without creating one; empty when none or unreadable. */
    private static Map<String, Object> stored(ConfigurationAdmin cm) {
        if (cm == null) {
            return Map.of();
        }
        try {
            Configuration[] found = cm.listConfigurations("(" + Constants.SERVICE_PID + "=" + PID + ")");
            return toMap(found == null || found.length == 0 ? null : found[0].getProperties());
        } catch (IOException | InvalidSyntaxException | RuntimeException e) {
            LOG.warn("Cannot read the configuration of {} at activation ({}); it applies when Config Admin delivers it",
                    PID, e.toString());
            return Map.of();
        }
    }

    private static Map<String, Object> toMap(Dictionary<String, ?> props) {
        Map<String, Object> m = new HashMap<>();
        if (props != null) {
            for (Enumeration<String> keys = props.keys(); keys.hasMoreElements(); ) {
                String k = keys.nextElement();
                m.put(k, props.get(k));
            }
        }
        return m;
    }

    /** Stops every timer and thread; runs under way get {@link #STOP_WAIT}, then an interrupt. */
    @Deactivate
    void deactivate() {
        closed = true;
        scheduler.close();
        if (timer != null) {
            timer.shutdownNow();
        }
        if (pool != null) {
            pool.shutdown();
            try {
                if (!pool.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("Routines still running {} s after the scheduler stopped: interrupting them",
                            STOP_WAIT.toSeconds());
                    pool.shutdownNow();
                    if (!pool.awaitTermination(2, TimeUnit.SECONDS)) {
                        LOG.error("Routines ignored the interrupt: their threads are left to end on their own");
                    }
                }
                if (timer != null && !timer.awaitTermination(2, TimeUnit.SECONDS)) {
                    LOG.warn("The routine timer did not end within 2 s");
                }
            } catch (InterruptedException e) {
                pool.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        scheduler.abandonRuns("the routine scheduler stopped before the run ended");
        LOG.info("Routine scheduler stopped");
    }

    // ---------------------------------------------------------------- the timer

    /** Arms the timer for the next due time (called whenever it may have moved). */
    private void rearm() {
        if (timer == null) {
            return;
        }
        synchronized (armLock) {
            if (closed) {
                return;
            }
            Optional<Instant> due = scheduler.nextDue();
            if (armed != null && due.isPresent() && due.get().equals(armedFor)) {
                return;
            }
            if (armed != null) {
                armed.cancel(false);
                armed = null;
                armedFor = null;
            }
            if (due.isEmpty()) {
                return;
            }
            long delay = Math.max(0, Duration.between(clock.instant(), due.get()).toMillis());
            try {
                armed = timer.schedule(this::tick, delay, TimeUnit.MILLISECONDS);
                armedFor = due.get();
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                LOG.debug("Not arming the routine timer: it is stopping");
            }
        }
    }

    private void tick() {
        synchronized (armLock) {
            armed = null;
            armedFor = null;
        }
        try {
            scheduler.runDue();
        } catch (RuntimeException e) {
            LOG.error("The routine timer failed; it goes on", e);
        }
        rearm();
    }

    // ---------------------------------------------------------------- whiteboard

    @Reference(service = Routine.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRoutine(Routine routine, ServiceReference<Routine> reference) {
        routineAdded(routine, serviceId(reference), reference.getProperty(Routine.NAME_PROPERTY),
                reference.getProperty(Routine.INTERVAL_PROPERTY), provider(reference));
    }

    void updatedRoutine(Routine routine, ServiceReference<Routine> reference) {
        routineModified(serviceId(reference), reference.getProperty(Routine.NAME_PROPERTY),
                reference.getProperty(Routine.INTERVAL_PROPERTY));
    }

    void unbindRoutine(Routine routine, ServiceReference<Routine> reference) {
        routineRemoved(serviceId(reference));
    }

    private static long serviceId(ServiceReference<?> reference) {
        Object id = reference.getProperty(Constants.SERVICE_ID);
        return id instanceof Long l ? l : -1;
    }

    private static String provider(ServiceReference<?> reference) {
        Bundle bundle = reference.getBundle();
        String name = bundle == null ? null : bundle.getSymbolicName();
        return name == null ? "unknown bundle" : name;
    }

    /** A Routine service appeared: scheduled when it has a valid, free name. */
    void routineAdded(Routine routine, long serviceId, Object name, Object intervalMs, String provider) {
        synchronized (whiteboard) {
            Registered r = new Registered(serviceId, routine, provider);
            whiteboard.put(serviceId, r);
            describe(r, name, intervalMs);
            tryToSchedule(r);
        }
    }

    /** A Routine service's properties changed: a new name moves it, a new interval applies. */
    void routineModified(long serviceId, Object name, Object intervalMs) {
        synchronized (whiteboard) {
            Registered r = whiteboard.get(serviceId);
            if (r == null) {
                return;
            }
            String nameBefore = r.name;
            Duration intervalBefore = r.interval;
            describe(r, name, intervalMs);
            if (r.entry != null && java.util.Objects.equals(nameBefore, r.name)) {
                if (!r.interval.equals(intervalBefore)) {
                    scheduler.defaultInterval(r.entry, r.interval);
                }
                return;
            }
            if (r.entry != null) {
                scheduler.remove(r.entry);
                r.entry = null;
                promoteWaiting(nameBefore);
            }
            tryToSchedule(r);
        }
    }

    /** A Routine service went away: unscheduled; another service of that name, if one waits, takes its place. */
    void routineRemoved(long serviceId) {
        synchronized (whiteboard) {
            Registered r = whiteboard.remove(serviceId);
            if (r != null && r.entry != null) {
                scheduler.remove(r.entry);
                LOG.info("Routine {} from {} is gone: unscheduled", r.name, r.provider);
                promoteWaiting(r.name);
            }
        }
    }

    private void describe(Registered r, Object name, Object intervalMs) {
        r.name = name instanceof String s && Scheduler.validName(s) ? s : null;
        if (r.name == null && !r.problemLogged) {
            r.problemLogged = true;
            ignoredRoutines.increment();
            LOG.warn("Ignoring the Routine service {} of {}: its {} is {}, not a routine name (1-64 characters of"
                    + " A-Z a-z 0-9 _ . -)", r.serviceId, r.provider, Routine.NAME_PROPERTY,
                    name == null ? "missing" : "'" + name + "'");
        }
        r.interval = defaultInterval(r, intervalMs);
    }

    private Duration defaultInterval(Registered r, Object intervalMs) {
        if (intervalMs == null) {
            return Scheduler.DEFAULT_INTERVAL;
        }
        try {
            long ms = intervalMs instanceof Number n ? n.longValue() : Long.parseLong(intervalMs.toString().trim());
            return Intervals.check(Duration.ofMillis(ms));
        } catch (IllegalArgumentException invalid) {
            if (!r.problemLogged) {
                r.problemLogged = true;
                LOG.warn("Routine service {} of {}: {} = {} is not a number of milliseconds between {} and {}; it runs"
                                + " every {}", r.serviceId, r.provider, Routine.INTERVAL_PROPERTY, intervalMs,
                        Intervals.MIN.toMillis(), Intervals.MAX.toMillis(), Intervals.format(Scheduler.DEFAULT_INTERVAL));
            }
            return Scheduler.DEFAULT_INTERVAL;
        }
    }

    private void tryToSchedule(Registered r) {
        if (r.name == null) {
            return;
        }
        try {
            r.entry = scheduler.add(r.name, r.interval, r.routine, r.provider);
            LOG.info("Routine {} from {} scheduled: every {}{}", r.name, r.provider,
                    Intervals.format(scheduler.info(r.name).map(RoutineInfo::interval).orElse(r.interval)),
                    scheduler.info(r.name).map(i -> i.state() == RoutineInfo.State.STOPPED).orElse(false)
                            ? " (stopped by its configuration)" : "");
        } catch (IllegalArgumentException taken) {
            if (!r.problemLogged) {
                r.problemLogged = true;
                ignoredRoutines.increment();
                LOG.warn("Routine service {} of {} waits: {}", r.serviceId, r.provider, taken.getMessage());
            }
        } catch (IllegalStateException stopped) {
            LOG.debug("Routine {} not scheduled: {}", r.name, stopped.getMessage());
        }
    }

    private void promoteWaiting(String name) {
        for (Registered waiting : whiteboard.values()) {
            if (waiting.entry == null && name != null && name.equals(waiting.name)) {
                tryToSchedule(waiting);
                if (waiting.entry != null) {
                    return;
                }
            }
        }
    }

    // ---------------------------------------------------------------- configuration

    /** Config Admin delivers the configuration (at registration, then on each change; null when there is none). */
    @Override
    public void updated(Dictionary<String, ?> properties) {
        updatedMap(toMap(properties));
    }

    private void updatedMap(Map<String, ?> properties) {
        RoutineConfiguration.Result result;
        synchronized (this) {
            result = RoutineConfiguration.read(properties, scheduler.allSettings());
            result.rejections().forEach((key, message) -> {
                rejectedConfigurations.increment();
                if (!message.equals(lastRejections.get(key))) {
                    LOG.error("{}; that routine keeps its previous setting", message);
                }
            });
            lastRejections = Map.copyOf(result.rejections());
        }
        scheduler.configure(result.settings());
    }

    /** Rejected configuration values since activation. */
    long rejectedConfigurations() {
        return rejectedConfigurations.sum();
    }

    /** Routine services ignored (no valid name) or waiting (name taken) since activation. */
    long ignoredRoutines() {
        return ignoredRoutines.sum();
    }

    Scheduler scheduler() {
        return scheduler;
    }

    // ---------------------------------------------------------------- NetworkRoutines, for NetworkRoutinesService

    List<RoutineInfo> list() {
        return scheduler.list();
    }

    Optional<RoutineInfo> routine(String name) {
        return scheduler.info(name);
    }

    /** Schedules a routine from code; the handle unschedules it. */
    AutoCloseable add(String name, Duration interval, Routine routine) {
        Scheduler.Entry entry = scheduler.add(name, interval, routine, API_PROVIDER);
        LOG.info("Routine {} added through the API: every {}", name, Intervals.format(entry.interval()));
        AtomicBoolean closedHandle = new AtomicBoolean();
        return () -> {
            if (closedHandle.compareAndSet(false, true) && scheduler.remove(entry)) {
                LOG.info("Routine {} (added through the API) removed", name);
            }
        };
    }

    void start(String name) {
        Scheduler.Settings now = settingsOf(name);
        scheduler.configure(name, new Scheduler.Settings(now.interval(), true));
        store(name + "." + RoutineConfiguration.ENABLED, "true");
        LOG.info("Routine {} started", name);
    }

    void stop(String name) {
        Scheduler.Settings now = settingsOf(name);
        scheduler.configure(name, new Scheduler.Settings(now.interval(), false));
        store(name + "." + RoutineConfiguration.ENABLED, "false");
        LOG.info("Routine {} stopped", name);
    }

    void interval(String name, Duration interval) {
        Intervals.check(interval);
        Scheduler.Settings now = settingsOf(name);
        scheduler.configure(name, new Scheduler.Settings(interval, now.enabled()));
        store(name + "." + RoutineConfiguration.INTERVAL, Intervals.format(interval));
        LOG.info("Routine {} now runs every {}", name, Intervals.format(interval));
    }

    CompletionStage<RoutineInfo> runNow(String name) {
        return scheduler.runNow(name);
    }

    private Scheduler.Settings settingsOf(String name) {
        if (!scheduler.exists(name)) {
            throw new IllegalArgumentException("there is no routine named " + name);
        }
        return scheduler.settings(name);
    }

    /** Writes one key of {@value #PID} through Config Admin, keeping the others. */
    private void store(String key, String value) {
        ConfigurationAdmin cm = configAdmin;
        if (cm == null) {
            if (warnedNoConfigAdmin.compareAndSet(false, true)) {
                LOG.warn("Config Admin is not available: {} = {} applies now but is not stored, and is lost at restart"
                        + " (further such changes are not logged)", key, value);
            }
            return;
        }
        try {
            // "?": any bundle may bind it, so that fileinstall and DS deliver it without a location conflict
            Configuration configuration = cm.getConfiguration(PID, "?");
            Dictionary<String, Object> current = configuration.getProperties();
            Dictionary<String, Object> next = new Hashtable<>();
            if (current != null) {
                for (Enumeration<String> keys = current.keys(); keys.hasMoreElements(); ) {
                    String k = keys.nextElement();
                    next.put(k, current.get(k));
                }
            }
            next.put(key, value);
            configuration.update(next);
        } catch (IOException | RuntimeException e) {
            LOG.error("{} = {} applies now, but Config Admin cannot store it (it is lost at restart): {}", key, value,
                    e.toString());
        }
    }
}
