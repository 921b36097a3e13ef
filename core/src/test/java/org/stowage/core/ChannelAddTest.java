package org.stowage.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.core.io.ChannelInput;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/** An add from a channel ({@link ChannelInput}): the same add, with the same rules. */
class ChannelAddTest {
    private static final String TWO = StowageTest.TWO;
    @TempDir
    Path dir;

    @Test
    void aFileChannelIsStoredWithItsChecksumsAndLeftOpen() throws Exception {
        byte[] data = new byte[(5 << 20) + 123];
        new Random(5).nextBytes(data);
        Path src = Files.write(dir.resolve("src"), data);
        FakeDriverFactory f = new FakeDriverFactory("mem");
        try (Stowage s = StowageTest.build(TWO, f, StowageTest.reservedFile());
                FileChannel ch = FileChannel.open(src, StandardOpenOption.READ)) {
            String id = UUID.randomUUID().toString();
            AddResult r = s.add("cin1", ChannelInput.of(ch), AddOptions.defaults().imageId(id).declaredSize(data.length));
            assertThat(r.size()).isEqualTo(data.length);
            assertThat(r.checksum()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data)));
            assertThat(f.created.get("cin1").images.get(id)).isEqualTo(data);
            assertThat(ch.isOpen()).as("the add does not close its source").isTrue();
        }
    }

    @Test
    void aChannelLongerThanDeclaredStoresNothing() throws Exception {
        Path src = Files.write(dir.resolve("src"), new byte[3 << 20]);
        FakeDriverFactory f = new FakeDriverFactory("mem");
        try (Stowage s = StowageTest.build(TWO, f, StowageTest.reservedFile());
                FileChannel ch = FileChannel.open(src, StandardOpenOption.READ)) {
            assertThatThrownBy(() -> s.add("cin1", ChannelInput.of(ch), AddOptions.defaults().imageId(UUID.randomUUID().toString())
                    .declaredSize(2 << 20))).isInstanceOf(StoreException.class)
                    .hasFieldOrPropertyWithValue("kind", ErrorKind.SIZE_MISMATCH);
            assertThat(f.created.get("cin1").images).isEmpty();
        }
    }

    @Test
    void abortStopsAnAddBlockedOnAChannelAndNothingIsStored() throws Exception {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        Pipe pipe = Pipe.open();
        try (Stowage s = StowageTest.build(TWO, f, StowageTest.reservedFile()); Pipe.SinkChannel sink = pipe.sink()) {
            sink.write(ByteBuffer.wrap(new byte[40_000])); // less than a pipe holds: the write does not block
            CompletableFuture<AddResult> add = CompletableFuture.supplyAsync(
                    () -> s.add("cin1", ChannelInput.of(pipe.source()), AddOptions.defaults().imageId(UUID.randomUUID().toString())));
            Thread.sleep(200); // the add is blocked on the silent pipe (or about to be: abort fails it either way)
            s.abort("stopped by the test");
            Throwable e = catchThrowable(() -> add.get(30, TimeUnit.SECONDS));
            assertThat(e).hasRootCauseInstanceOf(StoreException.class).rootCause()
                    .hasMessageContaining("stopped by the test");
            assertThat(s.awaitIdle(Duration.ofSeconds(5))).isEmpty();
            assertThat(f.created.get("cin1").images).isEmpty();
        }
    }
}
