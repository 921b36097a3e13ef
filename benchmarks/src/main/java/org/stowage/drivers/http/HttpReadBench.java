package org.stowage.drivers.http;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.stowage.tck.TestStoreContext;
import org.stowage.spi.ImageStream;

/**
 * Full read of one URL, timed in-process (benchmarks/harness/http.sh). Mirrors harness/http_glance.py:
 * prints "NAME bytes=N seconds=S mibps=M cpu=C [sha256=HEX]".
 *
 * <p>usage: HttpReadBench URL [driver|driver-channel|urlconnection|httpclient] [--hash] [--warmup] [--buf BYTES]
 * The timed region is get() plus reading every byte into a 4 MiB array (no hashing);
 * with --hash a second, untimed read through the same client computes sha256.
 */
public final class HttpReadBench {
    private HttpReadBench() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String client = args.length > 1 && !args[1].startsWith("--") ? args[1] : "driver";
        boolean hash = Arrays.asList(args).contains("--hash");
        byte[] buf = new byte[bufferSize(args)];
        HttpStoreDriver store = (HttpStoreDriver) new HttpStoreDriverFactory().create(
                TestStoreContext.of(new HttpStoreDriverFactory(), "web", Map.of("https_insecure", "true")));
        if (Arrays.asList(args).contains("--warmup")) {
            // one untimed read first: the timed one then runs with the JIT done (a long-running host)
            try (InputStream in = open(client.equals("driver-channel") ? "driver" : client, store, url)) {
                readAll(in, buf);
            }
        }
        var threads = ManagementFactory.getThreadMXBean();
        long c0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        long n = timedRead(client, store, url, buf);
        double s = (System.nanoTime() - t0) / 1e9;
        double cpu = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
        StringBuilder line = new StringBuilder(String.format("java-%s bytes=%d seconds=%.4f mibps=%.1f cpu=%.3f",
                client, n, s, n / s / 1048576, cpu));
        if (hash) {
            line.append(" sha256=").append(sha256(client, store, url, buf));
        }
        store.close();
        System.out.println(line);
    }

    /** {@code --buf BYTES}, or 4 MiB. */
    private static int bufferSize(String[] args) {
        int bufSize = 4 << 20;
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--buf")) {
                bufSize = Integer.parseInt(args[i + 1]);
            }
        }
        return bufSize;
    }

    /** The timed region: opens {@code url} with {@code client} and reads every byte; returns how many. */
    private static long timedRead(String client, HttpStoreDriver store, String url, byte[] buf) throws Exception {
        if (client.equals("driver-channel")) {
            // zero-copy path: the body is handed over from the driver's direct receive buffer
            long[] count = {0};
            WritableByteChannel discard = new WritableByteChannel() {
                public int write(ByteBuffer src) {
                    int r = src.remaining();
                    src.position(src.limit());
                    count[0] += r;
                    return r;
                }

                public boolean isOpen() {
                    return true;
                }

                public void close() {
                }
            };
            try (BodyStream in = (BodyStream) store.get(store.locations().parse(url), 0, -1)) {
                in.transferTo(discard);
            }
            return count[0];
        }
        try (InputStream in = open(client, store, url)) {
            return readAll(in, buf);
        }
    }

    /** Reads {@code in} to its end through {@code buf}; returns the bytes read. */
    private static long readAll(InputStream in, byte[] buf) throws Exception {
        long n = 0;
        int k;
        while ((k = in.read(buf, 0, buf.length)) >= 0) {
            n += k;
        }
        return n;
    }

    /** The sha256 of a second, untimed read of {@code url} through {@code client}, in hex. */
    private static String sha256(String client, HttpStoreDriver store, String url, byte[] buf) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = open(client, store, url)) {
            int k;
            while ((k = in.read(buf, 0, buf.length)) >= 0) {
                md.update(buf, 0, k);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static InputStream open(String client, HttpStoreDriver store, String url) throws Exception {
        switch (client) {
            case "driver":
            case "driver-channel": {
                ImageStream in = store.get(store.locations().parse(url), 0, -1);
                return in;
            }
            case "urlconnection": {
                HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
                return c.getInputStream();
            }
            case "httpclient": {
                HttpClient hc = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                return hc.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofInputStream()).body();
            }
            default:
                throw new IllegalArgumentException("unknown client " + client);
        }
    }
}
