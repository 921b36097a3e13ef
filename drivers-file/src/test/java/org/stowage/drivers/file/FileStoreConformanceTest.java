package org.stowage.drivers.file;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.stowage.tck.StoreBehavior;
import org.stowage.tck.StoreDriverTestKit;

/** The conformance kit against a single-directory file store with default options. */
class FileStoreConformanceTest extends StoreDriverTestKit {
    Path root;
    Path datadir;

    @Override
    protected String storeType() {
        return "file";
    }

    @Override
    protected Set<StoreBehavior> behaviors() {
        return FileFixture.BEHAVIORS;
    }

    @Override
    protected Fixture createFixture(String storeId) throws Exception {
        root = Files.createTempDirectory("stowage-file-tck");
        datadir = root.resolve("images"); // created by the store
        return new FileFixture(root, List.of(datadir));
    }

    @Override
    protected Map<String, String> settings(String storeId) {
        return Map.of(FileOptions.DATADIR.name(), datadir.toString());
    }

    @Override
    protected List<String> foreignLocations() {
        return List.of(
                "file://" + root.resolve("images2").resolve("x"),   // prefix collision: images vs images2
                "file://" + datadir + "/../escape",                 // normalises outside the directory
                "file://" + datadir,                                // the directory itself
                "file:///etc/hostname",
                "file://relative/path",
                "filesystem:///elsewhere/image");
    }
}
