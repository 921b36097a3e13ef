package org.stowage.drivers.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageStream;
import org.stowage.spi.StoreException;

/**
 * The http driver's logic (redirects, status codes, ranges, sizes) over an in-memory
 * {@link HttpTransport}, without sockets: each test scripts the responses, then checks what the
 * driver asked for and what it made of the answers. The wire itself is tested against nginx and
 * the fault servers.
 */
class HttpStoreLogicTest {
    /** One scripted response: status, headers (lower-case names) and body. */
    private record Scripted(int status, Map<String, String> headers, byte[] body) {
    }

    /** Answers requests from a script, in order, and records them as "METHOD url range". */
    private static final class ScriptedTransport implements HttpTransport {
        final Deque<Scripted> script = new ArrayDeque<>();
        final List<String> requests = new ArrayList<>();
        int open;
        boolean closed;

        ScriptedTransport then(int status, Map<String, String> headers, String body) {
            script.add(new Scripted(status, headers, body.getBytes(StandardCharsets.US_ASCII)));
            return this;
        }

        @Override
        public HttpResponse exchange(HttpLocation location, String method, String range, ResponseBudget budget)
                throws IOException {
            requests.add(method + " " + location + (range == null ? "" : " " + range));
            Scripted s = script.removeFirst();
            open++;
            return new HttpResponse() {
                private boolean released;

                @Override
                public HttpLocation location() {
                    return location;
                }

                @Override
                public String method() {
                    return method;
                }

                @Override
                public int status() {
                    return s.status();
                }

                @Override
                public String header(String name) {
                    return s.headers().get(name);
                }

                @Override
                public String bodySnippet(int max) {
                    return new String(s.body(), 0, Math.min(max, s.body().length),
                            StandardCharsets.US_ASCII);
                }

                @Override
                public ImageStream body(BodyStream.Framing framing, long contentLength, long skip, long limit,
                                        long length) {
                    close();
                    int from = (int) Math.min(skip, s.body().length);
                    int to = limit < 0 ? s.body().length : (int) Math.min(s.body().length, from + limit);
                    byte[] part = Arrays.copyOfRange(s.body(), from, to);
                    return new ImageStream() {
                        private int pos;

                        @Override
                        public long length() {
                            return length;
                        }

                        @Override
                        public int read(byte[] b, int off, int len) {
                            if (pos == part.length) {
                                return -1;
                            }
                            int n = Math.min(len, part.length - pos);
                            System.arraycopy(part, pos, b, off, n);
                            pos += n;
                            return n;
                        }
                    };
                }

                @Override
                public void close() {
                    if (!released) {
                        released = true;
                        open--;
                    }
                }
            };
        }

        @Override
        public ResponseBudget budget() {
            return new ResponseBudget(new HttpStoreConfig.Limits(0, 0, 0, 0));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final ScriptedTransport wire = new ScriptedTransport();
    private final HttpStoreDriver store = new HttpStoreDriver("web", wire);

    private byte[] read(String url, long offset, long length) throws IOException {
        try (ImageStream s = store.get(store.locations().parse(url), offset, length)) {
            return s.readAllBytes();
        }
    }

    @Test
    void redirectsAreFollowedRelativelyAndEveryConnectionIsReleased() throws IOException {
        wire.then(302, Map.of("location", "/b/img"), "").then(307, Map.of("location", "http://other/c"), "")
                .then(200, Map.of("content-length", "3"), "abc");
        assertThat(read("http://h/a/img", 0, -1)).containsExactly('a', 'b', 'c');
        assertThat(wire.requests).containsExactly("GET http://h/a/img", "GET http://h/b/img", "GET http://other/c");
        assertThat(wire.open).isZero();
    }

    @Test
    void theFifthRedirectIsMaxRedirectsExceeded() {
        for (int i = 0; i < HttpStoreDriver.MAX_REDIRECTS; i++) {
            wire.then(301, Map.of("location", "/r" + i), "");
        }
        assertThatThrownBy(() -> store.size(store.locations().parse("http://h/x"))).isInstanceOf(StoreException.class)
                .hasFieldOrPropertyWithValue("kind", ErrorKind.MAX_REDIRECTS_EXCEEDED)
                .hasMessageContaining("the last one pointed to http://h/r4");
        assertThat(wire.requests).hasSize(HttpStoreDriver.MAX_REDIRECTS);
        assertThat(wire.open).isZero();
    }

    @Test
    void statusCodesMapToKinds() {
        wire.then(404, Map.of(), "").then(503, Map.of(), "try later").then(403, Map.of(), "")
                .then(302, Map.of(), "");
        String url = "http://h/x";
        assertThatThrownBy(() -> store.size(store.locations().parse(url)))
                .hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
        assertThatThrownBy(() -> store.size(store.locations().parse(url)))
                .hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE)
                .hasMessageContaining("the response body: try later");
        assertThatThrownBy(() -> store.size(store.locations().parse(url)))
                .hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI).hasMessageContaining("403");
        assertThatThrownBy(() -> store.size(store.locations().parse(url)))
                .hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI).hasMessageContaining("without a Location");
        assertThat(wire.open).isZero();
    }

    @Test
    void rangesAskWithRangeAndCopeWithServersThatIgnoreIt() throws IOException {
        wire.then(206, Map.of("content-range", "bytes 2-4/10", "content-length", "3"), "cde")
                .then(200, Map.of("content-length", "10"), "abcdefghij")
                .then(416, Map.of(), "");
        assertThat(read("http://h/x", 2, 3)).containsExactly('c', 'd', 'e');
        assertThat(read("http://h/x", 2, 3)).as("200 to a Range: skipped and cut here").containsExactly('c', 'd', 'e');
        assertThat(read("http://h/x", 10, -1)).as("416: past the end is empty").isEmpty();
        assertThat(wire.requests).containsExactly("GET http://h/x bytes=2-4", "GET http://h/x bytes=2-4",
                "GET http://h/x bytes=10-");
        assertThat(read("http://h/x", 0, 0)).as("nothing asked, nothing sent").isEmpty();
        assertThat(wire.requests).hasSize(3);
    }

    @Test
    void aContentRangeThatDoesNotStartAtTheOffsetIsABackendError() {
        wire.then(206, Map.of("content-range", "bytes 0-4/10"), "abcde");
        assertThatThrownBy(() -> read("http://h/x", 2, 3)).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND)
                .hasMessageContaining("which does not start at 2");
        assertThat(wire.open).isZero();
    }

    @Test
    void sizeIsTheContentLengthOfAHeadOrZeroWithoutOne() {
        wire.then(200, Map.of("content-length", "1234"), "").then(200, Map.of(), "")
                .then(200, Map.of("content-length", "-1"), "");
        assertThat(store.size(store.locations().parse("http://h/x"))).isEqualTo(1234);
        assertThat(store.size(store.locations().parse("http://h/x"))).isZero();
        assertThatThrownBy(() -> store.size(store.locations().parse("http://h/x")))
                .hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND).hasMessageContaining("invalid Content-Length");
        assertThat(wire.requests).allMatch(r -> r.startsWith("HEAD "));
    }

    @Test
    void closeClosesTheTransport() {
        store.close();
        assertThat(wire.closed).isTrue();
    }
}
