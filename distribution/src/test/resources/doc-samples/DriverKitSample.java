import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.stowage.tck.StoreBehavior;
import org.stowage.tck.StoreDriverTestKit;

/* SAMPLE */

/** What the guide's test-kit sample needs: the author's backend. */
final class MyBackend {
    static MyBackend startOnLoopback() {
        return new MyBackend();
    }

    List<String> objectsThatAreNotCompleteImages() {
        return List.of();
    }

    int openConnections() {
        return 0;
    }

    String url() {
        return "http://127.0.0.1:1";
    }
}
