package org.stowage.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.stowage.spi.ImageStream;

/**
 * A read is one call to the driver: the host does not ask for the image's size first, even for
 * an offset at or past the end (the driver answers that with an empty stream itself), so a
 * ranged read costs one backend call, not two.
 */
class RangedReadTest {
    @Test
    void aRangedReadAsksTheDriverOnceAndNeverForTheSize() throws Exception {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        try (Stowage s = AddPipelineTest.build(f, "")) {
            byte[] data = AddPipelineTest.random(100);
            AddResult r = s.add("a", new ByteArrayInputStream(data), AddOptions.defaults().declaredSize(100));
            FakeDriverFactory.FakeStore store = f.created.get("a");
            int sizesBefore = store.sizeCalls.get();
            long[][] reads = {{0, -1}, {10, -1}, {10, 5}, {99, -1}, {100, -1}, {100, 5}, {101, -1}, {1 << 20, 5}};
            for (long[] read : reads) {
                int getsBefore = store.getCalls.get();
                ReadOptions options = read[1] < 0 ? ReadOptions.from(read[0]) : ReadOptions.range(read[0], read[1]);
                int from = (int) Math.min(read[0], data.length);
                int to = read[1] < 0 ? data.length : (int) Math.min(data.length, from + read[1]);
                try (ImageStream in = s.get(r.location(), options)) {
                    assertThat(in.readAllBytes()).as("bytes of read %s", Arrays.toString(read))
                            .isEqualTo(Arrays.copyOfRange(data, from, to));
                }
                assertThat(store.getCalls.get() - getsBefore).as("driver reads for %s", Arrays.toString(read))
                        .isEqualTo(1);
            }
            assertThat(store.sizeCalls.get() - sizesBefore).as("size() calls for %d reads", reads.length).isZero();
        }
    }
}
