package org.p2pnet.discovery.genesis.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDK HTTP client of one client component, with an executor of its own (two threads at most,
 * named {@code <prefix>-N}, ending when idle). {@link #exchange} is bounded in time and body size;
 * {@link #close()} aborts the request in flight and ends the executor. The JDK client's own
 * selector thread ({@code HttpClient-<id>-SelectorManager}) is ended by {@code shutdownNow()} on
 * Java 21 and later; on Java 17, which has no such method, it ends by itself within a few seconds
 * once the client, unreferenced after close, is garbage collected.
 */
final class GenesisHttp {
    private static final Logger LOG = LoggerFactory.getLogger(GenesisHttp.class);
    private static final MethodHandle SHUTDOWN_NOW = shutdownNowHandle();
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private final ThreadPoolExecutor executor;
    private volatile HttpClient client;
    private volatile CompletableFuture<?> inFlight;

    GenesisHttp(String threadPrefix, Duration connectTimeout) {
        AtomicInteger threads = new AtomicInteger();
        executor = new ThreadPoolExecutor(2, 2, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(task, threadPrefix + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        executor.allowCoreThreadTimeOut(true);
        client = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /**
     * Sends a request and reads the answer, whatever its status, with a body of at most
     * {@link AnswerCodec#MAX_BODY_BYTES}.
     *
     * @throws LimitedBody.TooLarge   the body is larger
     * @throws HttpTimeoutException   no complete answer within {@code timeout}
     * @throws IOException            any other failure (connection refused, reset, closed)
     * @throws InterruptedException   the calling thread was interrupted (the request is aborted)
     */
    HttpResponse<byte[]> exchange(HttpRequest request, Duration timeout) throws IOException, InterruptedException {
        HttpClient current = client;
        if (current == null) {
            throw new IOException("the genesis client is stopped");
        }
        CompletableFuture<HttpResponse<byte[]>> future =
                current.sendAsync(request, LimitedBody.handler(AnswerCodec.MAX_BODY_BYTES));
        inFlight = future;
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new HttpTimeoutException("no complete answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw ioException(e.getCause());
        } finally {
            future.cancel(true); // aborts the exchange unless it is complete
            inFlight = null;
        }
    }

    /** The cause as the IOException it usually is (LimitedBody.TooLarge is looked for first, however wrapped). */
    private static IOException ioException(Throwable cause) {
        IOException first = null;
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof LimitedBody.TooLarge tooLarge) {
                return tooLarge;
            }
            if (first == null && t instanceof IOException io) {
                first = io;
            }
        }
        return first != null ? first : new IOException(String.valueOf(cause), cause);
    }

    /** What the JDK calls the client, e.g. {@code jdk.internal.net.http.HttpClientImpl@1b2c3d(7)}; for tests. */
    String clientName() {
        HttpClient current = client;
        return current == null ? "" : current.toString();
    }

    /** Aborts the request in flight, ends the executor's threads (bounded wait) and drops the client. */
    void close() {
        CompletableFuture<?> pending = inFlight;
        if (pending != null) {
            pending.cancel(true);
        }
        HttpClient closing = client;
        client = null;
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("The genesis client's HTTP threads did not end within {} ms", CLOSE_WAIT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closing != null && SHUTDOWN_NOW != null) {
            try {
                SHUTDOWN_NOW.invoke(closing);
            } catch (Throwable e) {
                LOG.debug("HttpClient.shutdownNow failed: {}", e.toString());
            }
        }
    }

    /** {@code HttpClient.shutdownNow()}, public since Java 21; null on Java 17. */
    private static MethodHandle shutdownNowHandle() {
        try {
            return MethodHandles.publicLookup().findVirtual(HttpClient.class, "shutdownNow",
                    MethodType.methodType(void.class));
        } catch (NoSuchMethodException | IllegalAccessException absent) {
            return null;
        }
    }
}
