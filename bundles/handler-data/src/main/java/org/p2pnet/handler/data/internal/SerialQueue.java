package org.p2pnet.handler.data.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one peer's inbound packets on the shared executor one at a time, in arrival order, so that
 * the network thread never waits for the disk. Bounded by the bytes it holds: past the bound a
 * packet is refused (the caller counts it; a lost chunk shows up as a gap and is asked for again).
 */
final class SerialQueue {
    private static final Logger LOG = LoggerFactory.getLogger(SerialQueue.class);

    private record Item(Runnable task, long bytes) {
    }

    private final Executor executor;
    private final long maxBytes;
    private final ArrayDeque<Item> items = new ArrayDeque<>();
    private long bytes;
    private boolean running;

    SerialQueue(Executor executor, long maxBytes) {
        this.executor = executor;
        this.maxBytes = maxBytes;
    }

    /** Queues a task; false when over the byte bound or the executor is stopped. */
    boolean submit(Runnable task, long size) {
        synchronized (this) {
            if (size > 0 && bytes + size > maxBytes) {
                return false;
            }
            items.add(new Item(task, size));
            bytes += size;
            if (running) {
                return true;
            }
            running = true;
        }
        try {
            executor.execute(this::drain);
            return true;
        } catch (RejectedExecutionException stopped) {
            synchronized (this) {
                items.clear();
                bytes = 0;
                running = false;
            }
            return false;
        }
    }

    private void drain() {
        while (true) {
            Item item;
            synchronized (this) {
                item = items.poll();
                if (item == null) {
                    running = false;
                    return;
                }
                bytes -= item.bytes();
            }
            try {
                item.task().run();
            } catch (RuntimeException bug) {
                LOG.error("An inbound data packet could not be handled", bug);
            }
        }
    }
}
