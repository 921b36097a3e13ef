import org.stowage.core.Stowage;
import org.stowage.core.audit.AuditOptions;
import org.stowage.core.audit.AuditReport;
import org.stowage.core.audit.StoreAudit;
import org.stowage.core.locations.GlanceDatabase;

/** What the integrity guide's embedding sample needs: an open Stowage and the database password. */
class AuditSample {
    static AuditReport sample(Stowage stowage, String password) {
        /* SAMPLE */
        return report;
    }
}
