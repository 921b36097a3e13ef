import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.stowage.spi.Checksums;
import org.stowage.spi.ImageWriter;
import org.stowage.spi.Option;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreSettings;
import org.stowage.spi.StoredImage;

/* SAMPLE */

/** What the guide's driver samples need: an upload to the author's backend. */
interface MyUpload {
    /** Appends the buffer's remaining bytes; returns how many. */
    int append(ByteBuffer data) throws IOException;

    /** Publishes the upload as {@code name} unless that name exists; false if it does. */
    boolean publishIfAbsent(String name);

    /** Removes the upload; nothing if it is gone. */
    void discard();
}

/** The author's backend, named by the samples' marker. */
final class MyBackend {
}
