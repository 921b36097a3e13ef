package org.stowage.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.stowage.core.AddResult;
import org.stowage.spi.AddPhases;
import org.stowage.spi.AddRequest;
import org.stowage.spi.Capabilities;
import org.stowage.spi.Checksums;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageStream;
import org.stowage.spi.ImageWriter;
import org.stowage.spi.LocationCodec;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;
import org.stowage.spi.StoredImage;

/** The kit's way to write bytes through a driver without a host: the writer sees what the host would do. */
class DirectAddsTest {
    /** A driver whose writer records every call; commit fails when asked to. */
    private static final class RecordingDriver implements StoreDriver {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        volatile Checksums committed;
        volatile boolean failCommit;
        volatile AddRequest request;

        @Override
        public ImageWriter openWriter(AddRequest r) {
            request = r;
            calls.add("open " + r.imageId());
            return new ImageWriter() {
                @Override
                public void write(ByteBuffer data) {
                    calls.add("write");
                    byte[] b = new byte[data.remaining()];
                    data.get(b);
                    written.writeBytes(b);
                }

                @Override
                public StoredImage commit(Checksums checksums) {
                    calls.add("commit");
                    if (failCommit) {
                        throw StoreException.duplicate("image " + r.imageId() + " exists");
                    }
                    committed = checksums;
                    return new StoredImage("rec://s/" + r.imageId(), Map.of("k", "v"));
                }

                @Override
                public void abort() {
                    calls.add("abort");
                }
            };
        }

        @Override
        public LocationCodec locations() {
            return new LocationCodec() {
                @Override
                public Set<String> schemes() {
                    return Set.of("rec");
                }

                @Override
                public List<String> prefixes() {
                    return List.of("rec://s");
                }

                @Override
                public StoreLocation parse(String uri) {
                    throw StoreException.badStoreUri(uri);
                }
            };
        }

        @Override
        public Capabilities capabilities() {
            return Capabilities.READ_RANDOM_WRITE;
        }

        @Override
        public ImageStream get(StoreLocation location, long offset, long length) {
            throw StoreException.notFound(location.uri());
        }

        @Override
        public long size(StoreLocation location) {
            throw StoreException.notFound(location.uri());
        }

        @Override
        public void delete(StoreLocation location) {
            throw StoreException.notFound(location.uri());
        }

        @Override
        public void close() {
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static String hex(String algo, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algo).digest(data));
    }

    @Test
    void writesEveryChunkThenCommitsWithTheHostsChecksums() throws Exception {
        RecordingDriver d = new RecordingDriver();
        byte[] data = bytes(3 * StoreDriverTestKit.HOST_CHUNK + 17);
        AddResult r = DirectAdds.add(d, "img", data);
        assertThat(d.written.toByteArray()).isEqualTo(data);
        assertThat(d.calls).containsExactly("open img", "write", "write", "write", "write", "commit");
        assertThat(d.request.declaredSize()).isEqualTo(data.length);
        assertThat(d.committed).isEqualTo(new Checksums(hex("MD5", data), "sha512", hex("SHA-512", data), data.length));
        assertThat(r.location()).isEqualTo("rec://s/img");
        assertThat(r.checksums()).isEqualTo(d.committed);
        assertThat(r.metadata()).containsExactly(Map.entry("k", "v"));
    }

    @Test
    void aSizeMismatchAbortsTheWriterAndIsNotCommitted() {
        RecordingDriver d = new RecordingDriver();
        AddRequest request = new AddRequest("img", 11, "p", AddPhases.NONE);
        assertThatThrownBy(() -> DirectAdds.add(d, request, new ByteArrayInputStream(new byte[10])))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.SIZE_MISMATCH);
        assertThat(d.calls).contains("abort").doesNotContain("commit");
        assertThat(d.request.owner()).hasValue("p");
    }

    @Test
    void aFailingSourceAbortsTheWriterAndIsABackendErrorNamingImageAndBytes() {
        RecordingDriver d = new RecordingDriver();
        IOException broken = new IOException("disk read error");
        AddRequest request = new AddRequest("img", AddRequest.UNKNOWN_SIZE, null, AddPhases.NONE);
        assertThatThrownBy(() -> DirectAdds.add(d, request, new FailingStream(bytes(5000), 4000, broken)))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND)
                .hasMessageContaining("image img: reading the image data failed after").hasCause(broken);
        assertThat(d.calls).endsWith("abort").doesNotContain("commit");
    }

    @Test
    void aFailedCommitIsAbortedAndRethrown() {
        RecordingDriver d = new RecordingDriver();
        d.failCommit = true;
        assertThatThrownBy(() -> DirectAdds.add(d, "img", bytes(10)))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.DUPLICATE);
        assertThat(d.calls).containsExactly("open img", "write", "commit", "abort");
    }
}
