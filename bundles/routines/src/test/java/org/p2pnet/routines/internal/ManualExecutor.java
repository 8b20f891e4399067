package org.p2pnet.routines.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;

/** An executor that only queues: the test runs the tasks, on its own thread, when it chooses. */
final class ManualExecutor implements Executor {
    private final Deque<Runnable> queued = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable task) {
        queued.add(task);
    }

    synchronized int pending() {
        return queued.size();
    }

    /** Runs the oldest queued task. */
    void runNext() {
        Runnable task;
        synchronized (this) {
            task = queued.poll();
        }
        if (task == null) {
            throw new AssertionError("no task is queued");
        }
        task.run();
    }

    /** Runs queued tasks until none is left. */
    void runAll() {
        while (pending() > 0) {
            runNext();
        }
    }
}
