package org.stowage.drivers.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageStream;
import org.stowage.testing.Nginx;
import org.stowage.spi.StoreException;

/** Faults a real server will not produce, from a raw socket server on loopback. */
class HttpStoreFaultTest {
    private final HttpStoreDriver store = HttpStores.store(Map.of(HttpOptions.READ_TIMEOUT.name(), "1"));
    private FaultServer server;

    @AfterEach
    void tearDown() throws IOException {
        store.close();
        if (server != null) {
            server.close();
        }
    }

    private ImageStream get(String path) {
        return store.get(store.locations().parse(server.url(path)), 0, -1);
    }

    @Test
    void bodyShorterThanContentLengthIsAnError() throws IOException {
        byte[] half = Nginx.randomBytes(500_000, 7);
        server = new FaultServer((head, out) -> {
            FaultServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n");
            out.write(half);
        });
        ImageStream in = get("/img");
        assertThat(in.length()).isEqualTo(1_000_000);
        byte[] buf = new byte[65536];
        long[] got = {0};
        assertThatThrownBy(() -> {
            int n;
            while ((n = in.read(buf)) >= 0) {
                got[0] += n;
            }
        }).isInstanceOf(EOFException.class)
                .hasMessageContaining("ended after 500000 of 1000000 bytes")
                .hasMessageContaining("incomplete");
        assertThat(got[0]).isEqualTo(500_000);
        // the failure sticks: a later read does not pretend the image ended
        Throwable again = Assertions.catchThrowable(() -> in.read(buf));
        assertThat(again).isInstanceOf(EOFException.class);
        in.close();
        assertThat(FaultRows.record("truncated body (Content-Length 1000000, 500000 sent, then close)",
                "raw-socket server on loopback", again, server.port())).isEmpty();
    }

    /** The leak check the fault rows rely on sees an open stream's connection, and its close. */
    @Test
    void theOpenConnectionCheckSeesAnOpenStream() throws IOException {
        server = new FaultServer((head, out) -> {
            FaultServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n");
            out.write(new byte[1000]);
            Thread.sleep(3000);
        });
        ImageStream in = get("/img");
        assertThat(in.read(new byte[10])).isEqualTo(10);
        assertThat(FaultRows.openSocketsTo(server.port())).hasSize(1).allMatch(s -> s.contains("ESTABLISHED"));
        in.close();
        assertThat(FaultRows.openSocketsTo(server.port())).isEmpty();
    }

    @Test
    void truncatedBodyFailsTransferToo() throws IOException {
        server = new FaultServer((head, out) -> {
            FaultServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 300000\r\n\r\n");
            out.write(new byte[200_000]);
        });
        try (BodyStream in = (BodyStream) get("/img")) {
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            assertThatThrownBy(() -> in.transferTo(Channels.newChannel(sink)))
                    .isInstanceOf(EOFException.class).hasMessageContaining("ended after 200000 of 300000 bytes");
        }
        try (ImageStream in = get("/img")) {
            assertThatThrownBy(() -> in.transferTo(OutputStream.nullOutputStream()))
                    .isInstanceOf(EOFException.class);
        }
    }

    @Test
    void connectionResetMidBodyIsAnError() throws IOException {
        server = new FaultServer((head, out) -> {
            FaultServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\n\r\n");
            out.write(new byte[100_000]);
            out.flush();
            throw new IOException("drop"); // FaultServer closes the socket
        });
        Throwable e;
        try (ImageStream in = get("/img")) {
            e = Assertions.catchThrowable(() -> HttpStoreNginxTest.readAll(in));
            assertThat(e).isInstanceOf(IOException.class).hasMessageContaining("of 10000000");
        }
        assertThat(FaultRows.record("connection reset mid-body", "raw-socket server on loopback drops the "
                + "connection after 100000 of 10000000 bytes", e, server.port())).isEmpty();
    }

    @Test
    void chunkedBodyWithoutItsLastChunkIsAnError() throws IOException {
        server = new FaultServer((head, out) -> {
            FaultServer.write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            FaultServer.write(out, "a\r\n0123456789\r\n5;ext=1\r\nabcde\r\n");
        });
        ImageStream in = get("/img");
        assertThat(in.length()).isEqualTo(-1);
        byte[] buf = new byte[100];
        assertThat(in.read(buf)).isEqualTo(10);
        assertThat(in.read(buf)).isEqualTo(5);
        assertThat(new String(buf, 0, 5)).isEqualTo("abcde");
        Throwable e = Assertions.catchThrowable(() -> in.read(buf));
        assertThat(e).isInstanceOf(EOFException.class).hasMessageContaining("without its last chunk");
        in.close();
        assertThat(FaultRows.record("truncated chunked body (no last chunk)", "raw-socket server on loopback",
                e, server.port())).isEmpty();
    }

    @Test
    void chunkedBodyCutInsideAChunkIsAnError() throws IOException {
        server = new FaultServer((head, out) -> {
            FaultServer.write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            FaultServer.write(out, "100\r\nonly-a-few-bytes");
        });
        try (ImageStream in = get("/img")) {
            assertThatThrownBy(() -> HttpStoreNginxTest.readAll(in)).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void completeChunkedBodyWithTrailersAndLfLineEnds() throws IOException {
        server = new FaultServer((head, out) -> {
            FaultServer.write(out, "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n");
            FaultServer.write(out, "3\r\nabc\r\n0\r\nX-Checksum: 1\r\n\r\n");
        });
        assertThat(HttpStoreNginxTest.readAll(get("/img"))).asString().isEqualTo("abc");
    }

    @Test
    void malformedChunkSizeIsAnError() throws IOException {
        server = new FaultServer((head, out) -> {
            FaultServer.write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");
        });
        try (ImageStream in = get("/img")) {
            assertThatThrownBy(() -> HttpStoreNginxTest.readAll(in)).isInstanceOf(IOException.class)
                    .hasMessageContaining("bad chunk size");
        }
    }

    @Test
    void closeDelimitedBodyIsReadToItsEnd() throws IOException {
        byte[] body = Nginx.randomBytes(2_000_000, 3);
        server = new FaultServer((head, out) -> {
            FaultServer.write(out, "HTTP/1.0 200 OK\r\n\r\n");
            out.write(body);
        });
        ImageStream in = get("/img");
        assertThat(in.length()).isEqualTo(-1);
        assertThat(HttpStoreNginxTest.readAll(in)).isEqualTo(body);
    }

    @Test
    @Timeout(20)
    void serverThatNeverAnswersTimesOut() throws IOException {
        server = new FaultServer((head, out) -> Thread.sleep(15_000));
        long t0 = System.nanoTime();
        Throwable e = Assertions.catchThrowable(() -> get("/img"));
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT).hasMessageContaining("http_read_timeout");
        assertThatThrownBy(() -> store.size(store.locations().parse(server.url("/img"))))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT);
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(8);
        assertThat(FaultRows.record("server hangs (accepts, never answers)", "raw-socket server on loopback; "
                + "http_read_timeout = 1", e, server.port())).isEmpty();
    }

    @Test
    @Timeout(20)
    void bodyThatStallsTimesOut() throws IOException {
        server = new FaultServer((head, out) -> {
            FaultServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789");
            Thread.sleep(15_000);
        });
        Throwable e;
        try (ImageStream in = get("/img")) {
            byte[] buf = new byte[100];
            assertThat(in.read(buf)).isEqualTo(10);
            long t0 = System.nanoTime();
            e = Assertions.catchThrowable(() -> in.read(buf));
            assertThat(e).isInstanceOf(SocketTimeoutException.class)
                    .hasMessageContaining("no body byte from 127.0.0.1:" + server.port() + " for 1.0 s after 10 of 1000 bytes");
            assertThat((System.nanoTime() - t0) / 1e9).isBetween(0.5, 6.0);
        }
        assertThat(FaultRows.record("body stalls mid-way (10 of 1000 bytes, then silence)", "raw-socket server on "
                + "loopback; http_read_timeout = 1", e, server.port())).isEmpty();
    }

    @Test
    void serverIgnoringRangeWithUnknownLengthStillGivesExactlyTheRange() throws IOException {
        byte[] body = Nginx.randomBytes(50_000, 5);
        server = new FaultServer((head, out) -> {
            FaultServer.write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < body.length; i += 7000) {
                int n = Math.min(7000, body.length - i);
                FaultServer.write(out, Integer.toHexString(n) + "\r\n");
                out.write(body, i, n);
                FaultServer.write(out, "\r\n");
            }
            FaultServer.write(out, "0\r\n\r\n");
        });
        ImageStream in = store.get(store.locations().parse(server.url("/img")), 12_345, 20_000);
        assertThat(in.length()).isEqualTo(-1);
        assertThat(HttpStoreNginxTest.readAll(in)).isEqualTo(Arrays.copyOfRange(body, 12_345, 32_345));
        assertThat(server.requests.get(0)).contains("Range: bytes=12345-32344\r\n");
    }

    @Test
    void partialContentStartingElsewhereIsRejected() throws IOException {
        server = new FaultServer((head, out) -> FaultServer.write(out,
                "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-9/100\r\nContent-Length: 10\r\n\r\n0123456789"));
        assertThatThrownBy(() -> store.get(store.locations().parse(server.url("/img")), 50, 10))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND).hasMessageContaining("does not start at 50");
    }

    @Test
    void conflictingContentLengthsAreRejected() throws IOException {
        server = new FaultServer((head, out) -> FaultServer.write(out,
                "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nContent-Length: 20\r\n\r\n0123456789"));
        assertThatThrownBy(() -> get("/img")).hasMessageContaining("conflicting Content-Length");
    }

    @Test
    void requestCarriesHostBasicAuthAndNoCredentialsInTheTarget() throws IOException {
        server = new FaultServer((head, out) -> FaultServer.write(out,
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        String url = "http://al%20ice:p%40ss@127.0.0.1:" + server.port() + "/dir/a%20b.img?x=1";
        assertThat(HttpStoreNginxTest.readAll(store.get(store.locations().parse(url), 0, -1))).asString().isEqualTo("ok");
        String req = server.requests.get(0);
        assertThat(req).startsWith("GET /dir/a%20b.img?x=1 HTTP/1.1\r\n");
        assertThat(req).contains("Host: 127.0.0.1:" + server.port() + "\r\n");
        // base64("al ice:p@ss")
        assertThat(req).contains("Authorization: Basic " + Base64.getEncoder()
                .encodeToString("al ice:p@ss".getBytes(StandardCharsets.UTF_8)) + "\r\n");
        assertThat(req).doesNotContain("Range:");
    }

    @Test
    void interimResponsesAreSkipped() throws IOException {
        server = new FaultServer((head, out) -> FaultServer.write(out,
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"));
        assertThat(HttpStoreNginxTest.readAll(get("/img"))).asString().isEqualTo("abc");
    }

    @Test
    void garbageInsteadOfHttpIsRemoteServiceUnavailable() throws IOException {
        server = new FaultServer((head, out) -> FaultServer.write(out, "SSH-2.0-OpenSSH\r\n\r\n"));
        Throwable e = Assertions.catchThrowable(() -> get("/img"));
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE)
                .hasMessageContaining("HTTP/1.x");
        // the same on size (glance_store's get_size would call the URL invalid)
        assertThat(Assertions.catchThrowable(() -> store.size(store.locations().parse(server.url("/img")))))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE)
                .hasMessageContaining("HTTP/1.x");
        assertThat(FaultRows.record("garbage instead of HTTP (an SSH banner)", "raw-socket server on loopback",
                e, server.port())).isEmpty();
    }
}
