package org.p2pnet.handler.task.internal;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.p2pnet.api.task.NetworkTaskType;
import org.p2pnet.api.task.TaskRecord;
import org.p2pnet.api.task.TaskRecord.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task log behind {@code NetworkTasks.recent()}: the last {@link #KEEP} records, counts per
 * outcome and per refusal reason. A refusal is logged at most once a second per reason (a flood of
 * bad packets is only counted), the next line saying how many were left out. Thread-safe.
 */
final class TaskLog {
    /** Records kept. */
    static final int KEEP = 200;

    private static final Logger LOG = LoggerFactory.getLogger(TaskLog.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Clock clock;
    private final Deque<TaskRecord> records = new ArrayDeque<>(KEEP);
    private final Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);
    private final Map<Refusal, LongAdder> refusals = new EnumMap<>(Refusal.class);
    private final Map<Refusal, AtomicLong> lastLogged = new EnumMap<>(Refusal.class);
    private final Map<Refusal, AtomicLong> suppressed = new EnumMap<>(Refusal.class);

    TaskLog(Clock clock) {
        this.clock = clock;
        long longAgo = System.nanoTime() - 2 * LOG_INTERVAL_NANOS;
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, new LongAdder());
        }
        for (Refusal r : Refusal.values()) {
            refusals.put(r, new LongAdder());
            lastLogged.put(r, new AtomicLong(longAgo));
            suppressed.put(r, new AtomicLong());
        }
    }

    /** Records a refused task (type null and nonce empty when it was unreadable), counts and logs it. */
    TaskRecord refused(NetworkTaskType type, String nonce, String from, TaskRefused refusal) {
        Refusal reason = refusal.reason();
        refusals.get(reason).increment();
        TaskRecord record = add(Outcome.REFUSED, type, nonce, from, refusal.getMessage());
        long now = System.nanoTime();
        AtomicLong last = lastLogged.get(reason);
        long previous = last.get();
        if (now - previous < LOG_INTERVAL_NANOS || !last.compareAndSet(previous, now)) {
            suppressed.get(reason).incrementAndGet();
            LOG.debug("Refused network task {} from {}: {}", nonce, from, refusal.getMessage());
        } else {
            long skipped = suppressed.get(reason).getAndSet(0);
            LOG.warn("Refused network task {}{} from {}: {}{}", type == null ? "" : type.wireName() + " ",
                    nonce.isEmpty() ? "(unreadable)" : nonce, from, refusal.getMessage(),
                    skipped == 0 ? "" : " (" + skipped + " more '" + reason.words() + "' refusals not logged)");
        }
        return record;
    }

    /** Records any other outcome and logs it (these are rare: each follows a valid authority signature). */
    TaskRecord record(Outcome outcome, NetworkTaskType type, String nonce, String from, String detail) {
        TaskRecord record = add(outcome, type, nonce, from, detail);
        String name = type == null ? "" : type.wireName() + " ";
        switch (outcome) {
            case FAILED -> LOG.warn("Network task {}{} from {} failed: {}", name, nonce, from, detail);
            case IGNORED -> LOG.debug("Network task {}{} from {} ignored: {}", name, nonce, from, detail);
            default -> LOG.info("Network task {}{} {}: {}", name, nonce, outcome.name().toLowerCase(), detail);
        }
        return record;
    }

    private TaskRecord add(Outcome outcome, NetworkTaskType type, String nonce, String from, String detail) {
        TaskRecord record = new TaskRecord(clock.instant(), outcome, type, nonce, from, detail);
        outcomes.get(outcome).increment();
        synchronized (records) {
            if (records.size() == KEEP) {
                records.removeLast();
            }
            records.addFirst(record);
        }
        return record;
    }

    /** Newest first. */
    List<TaskRecord> recent() {
        synchronized (records) {
            return List.copyOf(new ArrayList<>(records));
        }
    }

    long count(Outcome outcome) {
        return outcomes.get(outcome).sum();
    }

    long count(Refusal reason) {
        return refusals.get(reason).sum();
    }

    /** Every refusal kind with its count, in declaration order. */
    Map<Refusal, Long> refusals() {
        Map<Refusal, Long> counts = new EnumMap<>(Refusal.class);
        refusals.forEach((r, n) -> counts.put(r, n.sum()));
        return counts;
    }
}
