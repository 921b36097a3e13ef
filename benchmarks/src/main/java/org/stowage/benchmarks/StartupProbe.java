package org.stowage.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stowage.core.DriverCatalog;
import org.stowage.core.Stowage;
import org.stowage.core.StoreHandle;
import org.stowage.core.config.ConfigFiles;
import org.stowage.core.config.StowageConfig;

/**
 * Where start-up time goes: times the phases of building a Stowage from a configuration file in a
 * fresh JVM (run it with the distribution's lib/* class path), with the classes loaded by each.
 * usage: StartupProbe CONFIG [PLUGINS_DIR]; phases run twice: "registry" alone, then a full build.
 */
public final class StartupProbe {
    private StartupProbe() {
    }

    public static void main(String[] args) {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long t0 = System.nanoTime();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jvm_to_main_ms", System.currentTimeMillis() - jvmStart);
        List<String> phases = new ArrayList<>();
        Path conf = Path.of(args[0]);
        Path plugins = args.length > 1 ? Path.of(args[1]) : null;
        long t = System.nanoTime();
        var config = ConfigFiles.load(conf);
        phases.add(phase("parse config", t));
        t = System.nanoTime();
        StowageConfig sc = StowageConfig.from(config, conf.toString());
        phases.add(phase("interpret config", t));
        t = System.nanoTime();
        DriverCatalog.load(plugins).close();
        phases.add(phase("driver registry (PF4J load+start plugins, extensions)", t));
        t = System.nanoTime();
        Stowage s = Stowage.builder().config(config).pluginsDir(plugins).build();
        phases.add(phase("Stowage.build again (registry again + " + sc.stores().size() + " stores)", t));
        t = System.nanoTime();
        StringBuilder sb = new StringBuilder();
        for (StoreHandle h : s.stores()) {
            sb.append(h.id()).append(' ').append(h.type()).append(' ').append(h.properties()).append('\n');
        }
        phases.add(phase("list stores", t));
        t = System.nanoTime();
        s.close();
        phases.add(phase("close", t));
        out.put("main_total_ms", (System.nanoTime() - t0) / 1e6);
        out.put("phases", phases);
        System.out.println(Bench.json(out));
    }

    private static String phase(String name, long t) {
        return String.format("%s: %.1f ms, classes loaded so far %d", name, (System.nanoTime() - t) / 1e6,
                ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
    }
}
