package org.stowage.core;

import java.util.List;
import org.stowage.spi.Option;
import org.stowage.spi.OptionSpec;

/**
 * The options the host itself declares, typed as the drivers declare theirs, so documentation
 * and sample generation see them the same way: those every store takes whatever its driver
 * (Glance's MULTI_BACKEND_OPTIONS) and those of the host's own {@code [stowage]} section.
 */
public final class StowageOptions {
    /** {@code store_description}: free text shown by store discovery. */
    public static final Option<String> STORE_DESCRIPTION = Option.string("store_description")
            .deprecatedName("description")
            .help("The description of the store, shown to users by store discovery. ('description' is accepted "
                    + "as an alias because the multi-cinder design and some guides use it.)")
            .build();
    /** {@code weight}: the store's sort key among an image's locations. */
    public static final Option<Long> WEIGHT = Option.integer("weight").defaultValue("0")
            .help("Relative weight of the store: locations in heavier stores are preferred when reading.").build();

    /** The longest {@link #OPERATION_TIMEOUT} and {@link #RETRY_BACKOFF}, a day. */
    public static final long MAX_LAYER_SECONDS = 86_400;
    /** {@code max_concurrent_adds}: adds the store runs at once (0: no limit). */
    public static final Option<Long> MAX_CONCURRENT_ADDS = Option.integer("max_concurrent_adds").defaultValue("0")
            .min(0).max(Integer.MAX_VALUE)
            .help("The most adds this store runs at once; further adds wait for one to finish, first come first "
                    + "served, at most operation_timeout when it is set (0: no limit).")
            .build();
    /** {@code max_concurrent_reads}: reads the store serves at once (0: no limit). */
    public static final Option<Long> MAX_CONCURRENT_READS = Option.integer("max_concurrent_reads").defaultValue("0")
            .min(0).max(Integer.MAX_VALUE)
            .help("The most reads this store serves at once, a read counting until its stream is closed; further "
                    + "reads wait, first come first served, at most operation_timeout when it is set (0: no limit).")
            .build();
    /** {@code operation_timeout}: seconds a call to the store's driver may take. */
    public static final Option<Long> OPERATION_TIMEOUT = Option.integer("operation_timeout").defaultValue("0")
            .min(0).max(MAX_LAYER_SECONDS)
            .help("Seconds each call to the store's driver (size, delete, opening a read, each step of an add) may "
                    + "take before it is interrupted and fails with Timeout; a timed-out add removes what it wrote "
                    + "(0: no limit).")
            .build();
    /** {@code retry_attempts}: extra attempts of a call that failed for a transient reason. */
    public static final Option<Long> RETRY_ATTEMPTS = Option.integer("retry_attempts").defaultValue("0").min(0).max(100)
            .help("Extra attempts of a size, delete or read opening that failed for a transient reason (remote "
                    + "service unavailable, timeout, backend I/O error); never of an add, nor of NotFound, bad "
                    + "input or refusals (0: no retry).")
            .build();
    /** {@code retry_backoff}: seconds before the first retry, doubled before each next one. */
    public static final Option<Long> RETRY_BACKOFF = Option.integer("retry_backoff").defaultValue("1").min(0)
            .max(MAX_LAYER_SECONDS)
            .help("Seconds to wait before the first retry, doubled before each further one (0: retry at once).")
            .build();

    /** The section of the host's own options. */
    public static final String SECTION = "stowage";
    /** The longest {@link #INPUT_STALL_TIMEOUT}, a day: far below where seconds overflow as nanoseconds. */
    public static final long MAX_INPUT_STALL_SECONDS = 86_400;
    /** {@code [stowage] plugins_dir}: where driver plugins are installed. */
    public static final Option<String> PLUGINS_DIR = Option.string("plugins_dir")
            .help("The directory of driver plugins, relative to the configuration file. Default: the plugins/ "
                    + "directory of the installation (the command line), or the class path only (embedding).")
            .build();
    /** {@code [stowage] input_stall_timeout}: seconds an add waits for the next byte of its source. */
    public static final Option<Long> INPUT_STALL_TIMEOUT = Option.integer("input_stall_timeout").defaultValue("300")
            .min(0).max(MAX_INPUT_STALL_SECONDS)
            .help("Seconds an add waits for the next byte of its source before it fails with Timeout and removes "
                    + "what it wrote (0: wait forever).")
            .build();

    /** The options every store takes. */
    public static final List<Option<?>> STORE = List.of(STORE_DESCRIPTION, WEIGHT, MAX_CONCURRENT_ADDS,
            MAX_CONCURRENT_READS, OPERATION_TIMEOUT, RETRY_ATTEMPTS, RETRY_BACKOFF);
    /** The per-store limits the core applies around every driver (a subset of {@link #STORE}). */
    public static final List<Option<?>> LAYERS = List.of(MAX_CONCURRENT_ADDS, MAX_CONCURRENT_READS,
            OPERATION_TIMEOUT, RETRY_ATTEMPTS, RETRY_BACKOFF);
    /** The options of the {@code [stowage]} section. */
    public static final List<Option<?>> HOST = List.of(PLUGINS_DIR, INPUT_STALL_TIMEOUT);

    private StowageOptions() {
    }

    /** The untyped declarations of {@code options}, for settings, documentation and samples. */
    public static List<OptionSpec> specs(List<Option<?>> options) {
        return options.stream().map(Option::spec).toList();
    }
}
