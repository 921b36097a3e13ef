import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import org.stowage.core.Stowage;
import org.stowage.core.locations.ImageRecord;
import org.stowage.core.locations.ImageService;
import org.stowage.spi.ImageStream;

/** What the upgrade guide's lazy-mode sample needs: the application's repository, an image id, a sink. */
class LazyModeSample {
    static void sample(ImageService.ImageRepository repository, String imageId, OutputStream out) throws Exception {
        /* SAMPLE */
    }
}
