package org.p2pnet.channel.tcp.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * Names event loop threads {@code <prefix>-1}, {@code <prefix>-2} … so that an operator (and
 * the leak tests) can tell this bundle's threads apart. Netty's own DefaultThreadFactory would
 * insert a pool number; FastThreadLocalThread keeps Netty's fast thread-local path.
 */
final class NamedThreadFactory implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger next = new AtomicInteger();

    NamedThreadFactory(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new FastThreadLocalThread(task, prefix + "-" + next.incrementAndGet());
        // an event loop must never keep the JVM (or Karaf's shutdown) waiting
        thread.setDaemon(true);
        return thread;
    }
}
