package org.p2pnet.genesis.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.p2pnet.api.PeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dial-back check (config {@code dialBack}): after a registration or renewal, a TCP connection
 * to the registered address is opened (and closed at once) on a small bounded pool; the result sets
 * the registration's state to OK or FAILED. At most one check per peer is in flight; when the queue
 * is full, a check is skipped (the state stays as it is until the next renewal). {@link #shutdown}
 * closes every socket still connecting and ends every thread.
 */
final class DialBackChecker {
    static final int TIMEOUT_MILLIS = 3000;
    static final int THREADS = 4;
    static final int QUEUE = 1024;
    static final String THREAD_PREFIX = "p2pnet-genesis-dialback-";

    private static final Logger LOG = LoggerFactory.getLogger(DialBackChecker.class);

    private final Registry registry;
    private final ThreadPoolExecutor pool;
    private final Set<PeerId> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<Socket> connecting = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean warnedFull = new AtomicBoolean();
    private final LongAdder ok = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private volatile boolean closed;

    DialBackChecker(Registry registry) {
        this.registry = registry;
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                task -> {
                    Thread thread = new Thread(task, THREAD_PREFIX + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    /** Checks the registration's address in the background, unless a check of that peer is in flight. */
    void check(PeerId id, Registry.Peer peer, InetAddress address) {
        if (closed || !inFlight.add(id)) {
            return;
        }
        try {
            pool.execute(() -> {
                try {
                    boolean reachable = connect(new InetSocketAddress(address, peer.port()));
                    (reachable ? ok : failed).increment();
                    registry.dialBackResult(id, peer, reachable);
                } finally {
                    inFlight.remove(id);
                }
            });
        } catch (RejectedExecutionException full) {
            inFlight.remove(id);
            skipped.increment();
            if (!closed && warnedFull.compareAndSet(false, true)) {
                LOG.warn("genesis: dial-back queue full ({} checks waiting); checks are skipped until it drains,"
                        + " the registrations keep their state until they renew (logged once)", QUEUE);
            }
        }
    }

    private boolean connect(InetSocketAddress target) {
        Socket socket = new Socket();
        connecting.add(socket);
        try {
            if (closed) {
                // shutdown may have closed the sockets before this one was added
                return false;
            }
            socket.connect(target, TIMEOUT_MILLIS);
            return true;
        } catch (IOException | RuntimeException unreachable) {
            return false;
        } finally {
            connecting.remove(socket);
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a socket we are done with
            }
        }
    }

    long ok() {
        return ok.sum();
    }

    long failed() {
        return failed.sum();
    }

    long skipped() {
        return skipped.sum();
    }

    /** Ends every check: closes the sockets still connecting (a blocked connect is not interruptible) and the pool. */
    void shutdown() {
        closed = true;
        pool.shutdownNow();
        for (Socket socket : connecting) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // it is being abandoned
            }
        }
        try {
            if (!pool.awaitTermination(TIMEOUT_MILLIS + 2000L, TimeUnit.MILLISECONDS)) {
                LOG.warn("genesis: dial-back threads did not end within {} ms", TIMEOUT_MILLIS + 2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
