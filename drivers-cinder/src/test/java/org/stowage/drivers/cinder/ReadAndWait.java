package org.stowage.drivers.cinder;

import org.stowage.spi.ImageStream;

/**
 * A process that starts reading an image and then waits, holding its read attachment: what a
 * {@code stowage get} looks like when it is killed with -9 mid-read. Arguments: store id, volume
 * type, location. Prints {@code READING} once the first bytes are read.
 */
public final class ReadAndWait {
    private ReadAndWait() {
    }

    public static void main(String[] args) throws Exception {
        CinderStoreDriver d = LocalCinder.driver(args[0], args[1]);
        ImageStream s = d.get(d.locations().parse(args[2]), 0, -1);
        if (s.read(new byte[4096]) <= 0) {
            throw new IllegalStateException("nothing read");
        }
        System.out.println("READING");
        System.out.flush();
        Thread.sleep(600_000);
    }
}
