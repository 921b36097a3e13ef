package org.stowage.drivers.toolkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelImageStreamTest {
    private static final int SIZE = 24 * 1024 * 1024 + 12_345;
    @TempDir
    Path dir;

    private Path file(int size) throws IOException {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return Files.write(dir.resolve("img-" + size), b);
    }

    private ChannelImageStream open(Path f, long offset, long length, AtomicInteger closes) throws IOException {
        return new ChannelImageStream(FileChannel.open(f, StandardOpenOption.READ), f.toString(), offset, length,
                s -> closes.incrementAndGet());
    }

    @Test
    void readsExactlyTheRangeOfLargeAndSmallRanges() throws IOException {
        Path f = file(SIZE);
        byte[] all = Files.readAllBytes(f);
        AtomicInteger closes = new AtomicInteger();
        long[][] ranges = {{0, SIZE}, {7, SIZE - 7}, {SIZE - 100, 100}, {5, 1000}, {SIZE, 0}};
        for (long[] r : ranges) {
            try (ChannelImageStream s = open(f, r[0], r[1], closes)) {
                assertThat(s.length()).isEqualTo(r[1]);
                assertThat(s.readAllBytes()).as("range %s", Arrays.toString(r))
                        .isEqualTo(Arrays.copyOfRange(all, (int) r[0], (int) (r[0] + r[1])));
            }
        }
        assertThat(closes).hasValue(ranges.length);
    }

    @Test
    void transferToAFileUsesTheWholeRange() throws IOException {
        Path f = file(SIZE);
        byte[] all = Files.readAllBytes(f);
        Path out = dir.resolve("out");
        try (ChannelImageStream s = open(f, 3, SIZE - 3, new AtomicInteger());
             FileOutputStream o = new FileOutputStream(out.toFile())) {
            assertThat(s.transferTo(o)).isEqualTo(SIZE - 3);
        }
        assertThat(Files.readAllBytes(out)).isEqualTo(Arrays.copyOfRange(all, 3, SIZE));
        ByteArrayOutputStream heap = new ByteArrayOutputStream();
        try (ChannelImageStream s = open(f, 0, 10, new AtomicInteger())) {
            s.transferTo(heap);
        }
        assertThat(heap.toByteArray()).isEqualTo(Arrays.copyOf(all, 10));
    }

    @Test
    void aFileShorterThanTheRangeIsAnErrorNotAShortRead() throws IOException {
        Path f = file(4 << 20);
        ChannelImageStream s = open(f, 0, 4 << 20, new AtomicInteger());
        try (FileChannel w = FileChannel.open(f, StandardOpenOption.WRITE)) {
            w.truncate(1 << 20);
        }
        assertThatThrownBy(s::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("shorter than expected");
        s.close();
    }

    @Test
    void closeIsOnceAndReadsAfterItFail() throws IOException {
        Path f = file(100);
        AtomicInteger closes = new AtomicInteger();
        ChannelImageStream s = open(f, 0, 100, closes);
        s.close();
        s.close();
        assertThat(closes).hasValue(1);
        assertThat(s.isClosed()).isTrue();
        assertThatThrownBy(s::read).isInstanceOf(IOException.class).hasMessageContaining("is closed");
    }
}
