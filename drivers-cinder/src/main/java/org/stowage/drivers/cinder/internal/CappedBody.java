package org.stowage.drivers.cinder.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a whole reply into memory, at most {@code limit} bytes (an endless body is an error, not
 * an OutOfMemoryError), and remembers how far the response got, so a missed deadline can say
 * whether the head or the body was late.
 */
final class CappedBody implements BodyHandler<byte[]> {
    private final int limit;
    private volatile boolean headArrived;
    private volatile boolean trailersAnnounced;
    private volatile long bodyBytes;

    CappedBody(int limit) {
        this.limit = limit;
    }

    @Override
    public BodySubscriber<byte[]> apply(ResponseInfo info) {
        trailersAnnounced = info.headers().firstValue("trailer").isPresent();
        headArrived = true;
        return new Subscriber();
    }

    /** Whether the response head came. */
    boolean headArrived() {
        return headArrived;
    }

    /** What the exchange was waiting for when it stopped, for messages. */
    String awaited() {
        if (!headArrived) {
            return "the response head";
        }
        if (trailersAnnounced) {
            return "the rest of the response (body or trailers; " + bodyBytes + " bytes of the body came)";
        }
        return "the rest of the response body (" + bodyBytes + " bytes of it came)";
    }

    private final class Subscriber implements BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer b : buffers) {
                int n = b.remaining();
                if (out.size() + (long) n > limit) {
                    subscription.cancel();
                    result.completeExceptionally(new ProtocolException("the reply is longer than "
                            + limit + " bytes"));
                    return;
                }
                byte[] chunk = new byte[n];
                b.get(chunk);
                out.write(chunk, 0, n);
                bodyBytes += n;
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t instanceof IOException ? t : new IOException(t));
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }
}
