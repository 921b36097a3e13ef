import org.stowage.core.Stowage;
import org.stowage.core.drain.DrainOptions;
import org.stowage.core.drain.DrainReport;
import org.stowage.core.drain.StoreDrain;
import org.stowage.core.locations.GlanceDatabase;

/** What the store lifecycle guide's drain sample needs: an open Stowage and the database password. */
class DrainSample {
    static DrainReport sample(Stowage stowage, String password) {
        /* SAMPLE */
        return report;
    }
}
