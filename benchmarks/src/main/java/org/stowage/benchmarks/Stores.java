package org.stowage.benchmarks;

import java.nio.file.Path;
import org.stowage.core.Stowage;
import org.stowage.core.config.ConfigFiles;

/** Builds the benchmark's Stowage: two file stores, as glance_file_bench.py configures glance_store. */
final class Stores {
    static {
        // slf4j-simple logs INFO (one line per add) to stderr by default; the harness measures the
        // library, not the console, unless -Dorg.slf4j.simpleLogger.defaultLogLevel=info is given.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
    }

    private Stores() {
    }

    /** The INI both harnesses use: fast (default) on {@code dir}, slow on {@code dir/slow}. */
    static String ini(Path dir) {
        return "[DEFAULT]\nenabled_backends = fast:file, slow:file\n\n[glance_store]\ndefault_backend = fast\n\n"
                + "[fast]\nfilesystem_store_datadir = " + dir.toAbsolutePath() + "\n\n"
                + "[slow]\nfilesystem_store_datadir = " + dir.toAbsolutePath().resolve("slow") + "\n"
                + (System.getProperty("bench.stall") == null ? ""
                        : "\n[stowage]\ninput_stall_timeout = " + System.getProperty("bench.stall") + "\n");
    }

    static Stowage open(Path dir) {
        return Stowage.builder().config(ConfigFiles.parse("bench.conf", ini(dir)))
                .pluginsDir(null).build(); // the file driver is found on the class path (its PF4J extension index)
    }
}
