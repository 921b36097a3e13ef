import java.util.List;
import java.util.Map;
import java.util.Set;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreDriverFactory;
import org.stowage.tck.StoreDriverTestKit;

/* SAMPLE */

/** What the guide's test-kit sample needs: the author's driver factory and backend. */
class MyStoreDriverFactory implements StoreDriverFactory {
    @Override
    public String type() {
        return "my";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of();
    }

    @Override
    public StoreDriver create(StoreContext context) {
        throw new UnsupportedOperationException("a sample");
    }
}

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
