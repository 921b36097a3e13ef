package org.stowage.drivers.toolkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileChannelsTest {
    @TempDir
    Path dir;

    @Test
    void writeFullyWritesEverythingAtThePosition() throws IOException {
        Path f = dir.resolve("f");
        byte[] data = new byte[300_000];
        new Random(3).nextBytes(data);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            assertThat(FileChannels.writeFully(ch, ByteBuffer.wrap(data), 10)).isEqualTo(data.length);
        }
        byte[] got = Files.readAllBytes(f);
        assertThat(got).hasSize(data.length + 10);
        assertThat(Arrays.copyOfRange(got, 10, got.length)).isEqualTo(data);
    }

    @Test
    void isZeroLooksAtTheRemainingBytesOnly() {
        byte[] b = new byte[200_000];
        assertThat(FileChannels.isZero(ByteBuffer.wrap(b))).isTrue();
        b[150_000] = 1;
        assertThat(FileChannels.isZero(ByteBuffer.wrap(b))).isFalse();
        ByteBuffer tail = ByteBuffer.wrap(b).position(150_001);
        assertThat(FileChannels.isZero(tail)).isTrue();
        assertThat(tail.position()).isEqualTo(150_001);
        assertThat(FileChannels.isZero(ByteBuffer.allocate(0))).isTrue();
    }
}
