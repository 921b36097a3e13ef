package org.stowage.drivers.file;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.stowage.spi.Setting;
import org.stowage.tck.StoreBehavior;
import org.stowage.tck.StoreDriverTestKit;

/**
 * The conformance kit against a three-directory store with thin provisioning at a 4 KiB chunk
 * size, fsync on, and a file mode: every non-default write path.
 */
class FileStoreMultiDirThinConformanceTest extends StoreDriverTestKit {
    Path root;
    List<Path> dirs;

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
        root = Files.createTempDirectory("stowage-file-tck-multi");
        dirs = List.of(root.resolve("a"), root.resolve("b"), root.resolve("c"));
        return new FileFixture(root, dirs);
    }

    @Override
    protected Map<String, String> settings(String storeId) {
        return Map.of();
    }

    @Override
    protected List<Setting> settingList(String storeId) {
        List<Setting> s = new ArrayList<>();
        s.add(new Setting(FileOptions.DATADIRS.name(), List.of(dirs.get(0) + ":10", dirs.get(1) + ":10",
                dirs.get(2).toString()), "tck"));
        s.add(Setting.of(FileOptions.THIN_PROVISIONING.name(), "True", "tck"));
        s.add(Setting.of(FileOptions.CHUNK_SIZE.name(), "4096", "tck"));
        s.add(Setting.of(FileOptions.FSYNC.name(), "yes", "tck"));
        s.add(Setting.of(FileOptions.FILE_PERM.name(), "640", "tck"));
        return s;
    }

    @Override
    protected List<String> foreignLocations() {
        return List.of("file://" + root.resolve("d").resolve("x"), "file://" + root + "/a/../../x");
    }
}
