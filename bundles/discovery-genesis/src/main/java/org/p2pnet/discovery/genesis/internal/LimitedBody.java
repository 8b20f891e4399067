package org.p2pnet.discovery.genesis.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a response body into memory up to a cap. A body that declares more ({@code Content-Length})
 * or turns out longer is not read further: the subscription is cancelled (the client closes the
 * connection) and the body fails with {@link TooLarge}.
 */
final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
    /** The body exceeded the cap. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    private final int max;
    private final long declared;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes;
    private Flow.Subscription subscription;

    private LimitedBody(int max, long declared) {
        this.max = max;
        this.declared = declared;
        this.bytes = new ByteArrayOutputStream((int) Math.min(Math.max(declared, 1024), max));
    }

    /** Bodies of at most {@code max} bytes. */
    static HttpResponse.BodyHandler<byte[]> handler(int max) {
        return info -> new LimitedBody(max, declaredLength(info.headers()));
    }

    /** The Content-Length, or -1 when absent or not a number (then the cap is checked while reading). */
    private static long declaredLength(HttpHeaders headers) {
        try {
            return headers.firstValueAsLong("Content-Length").orElse(-1);
        } catch (NumberFormatException notANumber) {
            return -1;
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (declared > max) {
            fail("the body declares " + declared + " bytes (Content-Length), more than " + max);
            return;
        }
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer item : items) {
            if ((long) bytes.size() + item.remaining() > max) {
                fail("the body has more than " + max + " bytes");
                return;
            }
            byte[] chunk = new byte[item.remaining()];
            item.get(chunk);
            bytes.writeBytes(chunk);
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable error) {
        result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        result.complete(bytes.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    private void fail(String message) {
        subscription.cancel();
        result.completeExceptionally(new TooLarge(message));
    }
}
