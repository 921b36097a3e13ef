package org.stowage.tck;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.core.DriverCatalog;
import org.stowage.core.ReadOptions;
import org.stowage.core.StoreHandle;
import org.stowage.core.Stowage;
import org.stowage.core.StowageBuilder;
import org.stowage.core.config.ConfigFiles;
import org.stowage.spi.AddPhases;
import org.stowage.spi.ImageStream;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreDriverFactory;
import org.stowage.spi.StoreException;

/**
 * The real host ({@link Stowage}) around the store under test, as an operator would configure it:
 * one store of the driver's type with the test's settings, the driver found on the classpath by
 * its extension index. Reads, sizes and deletes give no store id, so every location goes through
 * the host's routing.
 */
public final class KitHost implements AutoCloseable {
    /** The project that owns the kit's images. */
    public static final String OWNER = "tck-project";
    /** The store id in multi-store mode (in single-store mode the store is named by its type). */
    public static final String MULTI_STORE_ID = "tck";

    private static volatile Boolean fileDriverOnClasspath;

    private final Stowage stowage;
    private final String storeId;
    private final String type;
    private final Path workDir;
    private boolean closed;

    private KitHost(Stowage stowage, String storeId, String type, Path workDir) {
        this.stowage = stowage;
        this.storeId = storeId;
        this.type = type;
        this.workDir = workDir;
    }

    /**
     * Starts a host with one store of {@code type}.
     *
     * @throws StoreException as the host throws it when the configuration is refused
     */
    public static KitHost start(String type, List<Setting> settings, boolean multiStore) throws IOException {
        Path work = Files.createTempDirectory("stowage-tck-host");
        String storeId = multiStore ? MULTI_STORE_ID : type;
        String ini = multiStore ? multiStoreIni(type, settings, work) : singleStoreIni(type, settings);
        StowageBuilder b = Stowage.builder().config(ConfigFiles.parse("tck.conf", ini)).pluginsDir(null);
        if (multiStore && !type.equals("file") && !fileDriverOnClasspath()) {
            b.addFactory(new ReservedStores());
        }
        try {
            return new KitHost(b.build(), storeId, type, work);
        } catch (RuntimeException e) {
            deleteTree(work);
            throw e;
        }
    }

    private static String multiStoreIni(String type, List<Setting> settings, Path work) {
        StringBuilder ini = new StringBuilder("[DEFAULT]\nenabled_backends = " + MULTI_STORE_ID + ":" + type + "\n")
                .append("[glance_store]\ndefault_backend = ").append(MULTI_STORE_ID).append('\n');
        for (String reserved : List.of("os_glance_staging_store", "os_glance_tasks_store")) {
            ini.append('[').append(reserved).append("]\nfilesystem_store_datadir = ").append(work.resolve(reserved))
                    .append('\n');
        }
        ini.append('[').append(MULTI_STORE_ID).append("]\n");
        return appendSettings(ini, settings);
    }

    private static String singleStoreIni(String type, List<Setting> settings) {
        StringBuilder ini = new StringBuilder("[glance_store]\nstores = " + type + "\ndefault_store = " + type + "\n");
        return appendSettings(ini, settings);
    }

    private static String appendSettings(StringBuilder ini, List<Setting> settings) {
        for (Setting s : settings) {
            for (String v : s.values()) {
                if (v.contains("\n")) {
                    throw new IllegalArgumentException("setting " + s.name() + " = '" + v
                            + "' holds a line break, which a configuration file cannot hold");
                }
                ini.append(s.name()).append(" = ").append(v).append('\n');
            }
        }
        return ini.toString();
    }

    /**
     * Glance's reserved stores are file stores; when no file driver is on the test classpath the
     * kit stands in for it with {@link ReservedStores}, so those two stores are listed unavailable.
     */
    private static boolean fileDriverOnClasspath() {
        Boolean known = fileDriverOnClasspath;
        if (known == null) {
            try (DriverCatalog c = DriverCatalog.load(null)) {
                known = c.find("file").isPresent();
            }
            fileDriverOnClasspath = known;
        }
        return known;
    }

    /** The host. */
    public Stowage stowage() {
        return stowage;
    }

    /** The store under test as the host holds it. */
    public StoreHandle store() {
        return stowage.store(storeId);
    }

    /** The store id. */
    public String storeId() {
        return storeId;
    }

    /** The options the driver declares. */
    public List<OptionSpec> options() {
        return driver().options();
    }

    /** The driver's factory, as the host found it. */
    public DriverCatalog.Driver driver() {
        try (DriverCatalog c = DriverCatalog.load(null)) {
            return c.find(type).orElseThrow();
        }
    }

    /** Adds through the host to the store under test; a negative {@code declaredSize} means the size is unknown. */
    public AddResult add(String imageId, InputStream data, long declaredSize, String hashAlgo) {
        AddOptions options = AddOptions.defaults().imageId(imageId).hashAlgorithm(hashAlgo).owner(OWNER);
        return stowage.add(storeId, data, declaredSize < 0 ? options : options.declaredSize(declaredSize));
    }

    /** Reads a location, routed by the host. */
    public ImageStream get(String location, long offset, long length) {
        return stowage.get(location, length < 0 ? ReadOptions.from(offset) : ReadOptions.range(offset, length));
    }

    /** The size of the image at a location, routed by the host. */
    public long size(String location) {
        return stowage.size(location);
    }

    /** Deletes the image at a location, routed by the host. */
    public void delete(String location) {
        stowage.delete(location);
    }

    /** The id of the store the host routes {@code location} to. */
    public String routedStore(String location) {
        return stowage.resolve(location, null).id();
    }

    /** True once {@link #close()} ran. */
    public boolean isClosed() {
        return closed;
    }

    /** Closes the host (and so the store), then removes the host's own directories. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stowage.close();
        } finally {
            deleteTree(workDir);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the kit's host directory " + root, e);
        }
    }

    @Override
    public String toString() {
        return "KitHost[" + storeId + ":" + type + "]";
    }
}
