package org.stowage.drivers.cinder.internal;

import org.stowage.drivers.toolkit.Tls;
import org.stowage.spi.RemoteCallListener;
import org.stowage.spi.StoreException;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.openstack4j.api.exceptions.ConnectionException;
import org.openstack4j.core.transport.ClientConstants;
import org.openstack4j.core.transport.Config;
import org.openstack4j.core.transport.HttpExecutorService;
import org.openstack4j.core.transport.HttpMethod;
import org.openstack4j.core.transport.ObjectMapperSingleton;
import org.openstack4j.openstack.internal.OSAuthenticator;
import org.openstack4j.openstack.internal.OSClientSession;
import org.stowage.drivers.cinder.CinderOptions;

/**
 * openstack4j transport on {@code java.net.http} (openstack4j's own connectors pull in old HTTP stacks), registered through
 * {@code META-INF/services}, so the plugin needs no RESTEasy/OkHttp.
 *
 * <ul>
 * <li>One pooled {@link HttpClient} per openstack4j {@link Config} (i.e. per store).</li>
 * <li>Every request runs within the {@link CallBudget} of its call: connecting, the response head
 *     and the whole body must come before the call's deadline, however the server frames or
 *     trickles them; a missed deadline is a {@code Timeout} naming the server and what it did not
 *     send. Connecting alone has at most {@code Config.connectTimeout}.</li>
 * <li>uwsgi Keystone closes connections without saying so: a request that fails on a pooled
 *     connection with an I/O error is re-sent when that is harmless (GET, HEAD, DELETE, PUT, and
 *     Keystone token requests): once for free, then only out of the call's retries, after their
 *     pauses. Other POSTs (volume or attachment create) are never re-sent here: the first may have
 *     arrived. A server that closed the connection before a complete response is a
 *     {@code RemoteServiceUnavailable} saying so, even when the deadline ended the re-sends; a
 *     {@code Timeout} is only for a server that kept the call waiting until its deadline.</li>
 * <li>A response announcing trailer fields is refused and its connection never used again:
 *     java.net.http cannot read trailers, so it cannot tell where such a response ends.</li>
 * <li>401 on a non-auth request: re-authenticate once ({@code OSAuthenticator}) and retry.</li>
 * <li>TLS from {@code Config.sslContext}, or trust-all (with no host name check) when verification
 *     is off; a certificate that fails verification is a {@code BadStoreConfiguration}, never
 *     re-sent.</li>
 * </ul>
 */
public final class JdkHttpExecutorService implements HttpExecutorService {
    private static final Set<String> RESTRICTED =
            Set.of("connection", "content-length", "date", "expect", "from", "host", "upgrade", "via", "warning");
    private static final Map<Config, HttpClient> CLIENTS = new ConcurrentHashMap<>();
    private static final long DEFAULT_TIMEOUT_MS = 60_000;
    private static final long DEFAULT_CONNECT_MS = 10_000;
    /** The largest reply read: Cinder's and Keystone's JSON replies are far smaller. */
    private static final int MAX_REPLY_BYTES = 32 << 20;
    /** Per-store call counters, by Config identity (Config.equals ignores the store's endpoint resolver). */
    private static final Map<Config, CallCounter> COUNTERS = Collections.synchronizedMap(new IdentityHashMap<>());

    /**
     * HTTP calls sent with one store's {@link Config}: every attempt, re-send and re-authentication,
     * each also reported to the store's {@link RemoteCallListener}.
     */
    public static final class CallCounter {
        private final LongAdder total = new LongAdder();
        private final LongAdder keystone = new LongAdder();
        private final RemoteCallListener listener;

        CallCounter(RemoteCallListener listener) {
            this.listener = listener == null ? RemoteCallListener.NONE : listener;
        }

        /** Reports one exchange: service keystone for token requests, else cinder; the URL without its query. */
        void report(boolean authRequest, HttpRequest jreq, int status, long startNanos) {
            try {
                listener.completed(authRequest ? "keystone" : "cinder", jreq.method(), where(jreq.uri()), status,
                        Duration.ofNanos(System.nanoTime() - startNanos));
            } catch (RuntimeException e) {
                // a listener's failure never fails the call
            }
        }

        /** All calls. */
        public long total() {
            return total.sum();
        }

        /** Token requests to Keystone. */
        public long keystone() {
            return keystone.sum();
        }
    }

    /** Starts counting the calls made with {@code config} (one Config object per store). */
    public static CallCounter register(Config config) {
        return register(config, RemoteCallListener.NONE);
    }

    /** Starts counting the calls made with {@code config}, reporting each to {@code listener}. */
    public static CallCounter register(Config config, RemoteCallListener listener) {
        CallCounter c = new CallCounter(listener);
        COUNTERS.put(config, c);
        return c;
    }

    /** Stops counting for {@code config}. */
    public static void unregister(Config config) {
        COUNTERS.remove(config);
    }

    // openstack4j's HttpRequest/HttpResponse are written in full: the imported ones are java.net.http's
    @Override
    public <R> org.openstack4j.core.transport.HttpResponse execute(
            org.openstack4j.core.transport.HttpRequest<R> request) {
        Config config = request.getConfig() == null ? Config.DEFAULT : request.getConfig();
        HttpClient client = CLIENTS.computeIfAbsent(config, JdkHttpExecutorService::newClient);
        boolean authRequest = request.getHeaders().containsKey(ClientConstants.HEADER_OS4J_AUTH);
        HttpMethod m = request.getMethod();
        boolean resendable = authRequest || m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.DELETE
                || m == HttpMethod.PUT;
        CallBudget own = CallBudget.current() == null ? CallBudget.open("?", m + " " + request.getUrl(),
                Duration.ofMillis(config.getReadTimeout() > 0 ? config.getReadTimeout() : DEFAULT_TIMEOUT_MS), 0)
                : null;
        try {
            return execute(request, config, client, authRequest, resendable);
        } finally {
            if (own != null) {
                own.close();
            }
        }
    }

    private <R> org.openstack4j.core.transport.HttpResponse execute(
            org.openstack4j.core.transport.HttpRequest<R> request, Config config, HttpClient client,
            boolean authRequest, boolean resendable) {
        CallBudget budget = CallBudget.current();
        boolean reauthenticated = false;
        CallCounter counter = COUNTERS.get(config);
        while (true) {
            HttpRequest jreq = build(request, config);
            if (counter != null) {
                counter.total.increment();
                if (authRequest) {
                    counter.keystone.increment();
                }
            }
            String server = (authRequest ? "Keystone at " : "Cinder at ") + where(jreq.uri());
            CappedBody body = new CappedBody(MAX_REPLY_BYTES);
            try {
                HttpResponse<byte[]> resp = reported(counter, authRequest, jreq,
                        () -> exchange(client, jreq, budget, server, body));
                refuseUnreadTrailers(resp, config, client, budget, server);
                if (resp.statusCode() == 401 && !authRequest && !reauthenticated && OSClientSession.getCurrent() != null) {
                    OSAuthenticator.reAuthenticate();
                    request.getHeaders().put(ClientConstants.HEADER_X_AUTH_TOKEN,
                            OSClientSession.getCurrent().getTokenId());
                    reauthenticated = true;
                    continue;
                }
                return new JdkHttpResponse(resp, budget.failing() + server);
            } catch (IOException e) {
                RuntimeException failure = failure(e, jreq, config, budget, server, body);
                if (failure instanceof ConnectionDroppedException) {
                    budget.dropped(failure.getMessage());
                    if (resendable && budget.resend()) {
                        continue;
                    }
                }
                throw failure;
            }
        }
    }

    /** An exchange that may fail with an I/O error. */
    @FunctionalInterface
    private interface Exchange {
        HttpResponse<byte[]> run() throws IOException;
    }

    /** Runs {@code exchange}, reporting it to the store's listener with its status, or -1 when no response came. */
    private static HttpResponse<byte[]> reported(CallCounter counter, boolean authRequest, HttpRequest jreq,
            Exchange exchange) throws IOException {
        long start = System.nanoTime();
        int status = RemoteCallListener.NO_RESPONSE;
        try {
            HttpResponse<byte[]> resp = exchange.run();
            status = resp.statusCode();
            return resp;
        } finally {
            if (counter != null) {
                counter.report(authRequest, jreq, status, start);
            }
        }
    }

    /**
     * What an exchange that failed with {@code e} is: a failure once the deadline has passed is a
     * timeout naming what was awaited (the deadline cut it, whatever the JDK reported); before, it is
     * what the server did.
     */
    private static RuntimeException failure(IOException e, HttpRequest jreq, Config config,
            CallBudget budget, String server, CappedBody body) {
        if (e instanceof HttpConnectTimeoutException) {
            return budget.connectTimeout(server, connectTimeout(config), e);
        }
        if (budget.remainingNanos() == 0) {
            return deadlinePassed(budget, server, body, e);
        }
        if (e instanceof ConnectException) {
            return new ConnectionException("cannot connect to " + hostOf(jreq.uri()) + ": connection refused", 0, e);
        }
        if (e instanceof ProtocolException) {
            return StoreException.backend(budget.failing() + server + " sent a response that is not valid HTTP or too "
                    + "large: " + e.getMessage(), e);
        }
        Optional<String> problem = TlsErrors.certificateProblem(e);
        if (problem.isPresent()) {
            return TlsErrors.verificationFailed(budget.storeId(), server, problem.get(), e);
        }
        return new ConnectionDroppedException(server + " closed the connection before a complete response (we were "
                + "waiting for " + body.awaited() + "; " + e.getMessage() + ")", e);
    }

    /**
     * The deadline passed during an exchange: a timeout naming what was awaited, unless the server
     * had closed the connection on an earlier attempt of the call and sent nothing on this one
     * before the deadline: then what the server did is that it closed the connection, and the
     * deadline only ended the re-sends.
     */
    private static RuntimeException deadlinePassed(CallBudget budget, String server, CappedBody body, Throwable cause) {
        Optional<String> dropped = budget.droppedBefore();
        if (dropped.isPresent() && !body.headArrived()) {
            return new ConnectionDroppedException(dropped.get() + "; the deadline (" + CinderOptions.REQUEST_TIMEOUT.name()
                    + ") passed before the next attempt had a response head", cause);
        }
        return budget.timeout(server, body.awaited(), cause);
    }

    /**
     * java.net.http does not read trailer fields: it takes the two bytes after a chunked body's last
     * chunk as its end and leaves the trailer section on the connection, where the next response on
     * it would start. So a response that announces trailers cannot be known to be complete: it is
     * refused, and the client that holds its connection is dropped, so that connection is never used
     * again (the next call opens a new one).
     */
    private static void refuseUnreadTrailers(HttpResponse<byte[]> resp, Config config,
            HttpClient client, CallBudget budget, String server) {
        Optional<String> trailer = resp.headers().firstValue("trailer");
        if (trailer.isPresent()) {
            CLIENTS.remove(config, client);
            throw StoreException.backend(budget.failing() + server + " announced trailer fields (Trailer: "
                    + Reply.excerpt(trailer.get()) + ") after its body; this client cannot read the rest of the "
                    + "response (trailers), so it cannot tell where the response ends: the response is not used "
                    + "and its connection is closed");
        }
    }

    /**
     * Sends one request and reads its whole response within what is left of the call's budget:
     * connect, response head and body, however the server frames or trickles them. A response
     * whose body was not read whole is cancelled, which closes its connection.
     */
    private static HttpResponse<byte[]> exchange(HttpClient client, HttpRequest jreq,
            CallBudget budget, String server, CappedBody body) throws IOException {
        CompletableFuture<HttpResponse<byte[]>> f = client.sendAsync(jreq, body);
        try {
            long left = budget.remainingNanos();
            if (left == 0) {
                throw new TimeoutException();
            }
            HttpResponse<byte[]> resp = f.get(left, TimeUnit.NANOSECONDS);
            if (resp.statusCode() < 200) {
                throw new ProtocolException("a final response with status " + resp.statusCode());
            }
            return resp;
        } catch (TimeoutException e) {
            f.cancel(true);
            throw deadlinePassed(budget, server, body, e);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new ConnectionException("interrupted while waiting for " + server, 0, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException) {
                throw (IOException) c;
            }
            if (c instanceof RuntimeException) {
                throw (RuntimeException) c;
            }
            throw new IOException(c);
        }
    }

    /** The URL of a request without its query, for messages. */
    private static String where(URI u) {
        return u.getScheme() + "://" + u.getRawAuthority() + (u.getRawPath() == null ? "" : u.getRawPath());
    }

    private static Duration connectTimeout(Config config) {
        return Duration.ofMillis(config.getConnectTimeout() > 0 ? config.getConnectTimeout() : DEFAULT_CONNECT_MS);
    }

    private static String hostOf(URI u) {
        return u.getScheme() + "://" + u.getAuthority();
    }

    @Override
    public String getExecutorDisplayName() {
        return "Stowage java.net.http connector";
    }

    private static HttpClient newClient(Config config) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(connectTimeout(config));
        if (config.isIgnoreSSLVerification()) {
            b.sslContext(Tls.trustAll());
        } else if (config.getSslContext() != null) {
            b.sslContext(config.getSslContext());
        }
        return b.build();
    }

    private static <R> HttpRequest build(org.openstack4j.core.transport.HttpRequest<R> request, Config config) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(request.getUrl()));
        String contentType = request.getContentType() == null ? ClientConstants.CONTENT_TYPE_JSON
                : request.getContentType();
        for (Map.Entry<String, Object> h : request.getHeaders().entrySet()) {
            String name = h.getKey();
            if (RESTRICTED.contains(name.toLowerCase(Locale.ROOT)) || h.getValue() == null
                    || name.equalsIgnoreCase(ClientConstants.HEADER_OS4J_AUTH)
                    || name.equalsIgnoreCase(ClientConstants.HEADER_CONTENT_TYPE)) {
                continue;
            }
            b.header(name, String.valueOf(h.getValue()));
        }
        b.header(ClientConstants.HEADER_ACCEPT, ClientConstants.CONTENT_TYPE_JSON);
        BodyPublisher body;
        Object entity = request.getEntity();
        if (entity != null) {
            b.header(ClientConstants.HEADER_CONTENT_TYPE, contentType);
            if (entity instanceof InputStream) {
                InputStream in = (InputStream) entity;
                body = BodyPublishers.ofInputStream(() -> in);
            } else {
                try {
                    body = BodyPublishers.ofByteArray(
                            ObjectMapperSingleton.getContext(entity.getClass()).writer().writeValueAsBytes(entity));
                } catch (IOException e) {
                    throw new ConnectionException("cannot serialise " + entity.getClass().getSimpleName(), 0, e);
                }
            }
        } else if (request.hasJson()) {
            b.header(ClientConstants.HEADER_CONTENT_TYPE, ClientConstants.CONTENT_TYPE_JSON);
            body = BodyPublishers.ofString(request.getJson());
        } else {
            body = BodyPublishers.noBody();
        }
        b.method(request.getMethod().name(), body);
        return b.build();
    }
}
