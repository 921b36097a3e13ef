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
    public static final List<Option<?>> STORE = List.of(STORE_DESCRIPTION, WEIGHT);
    /** The options of the {@code [stowage]} section. */
    public static final List<Option<?>> HOST = List.of(PLUGINS_DIR, INPUT_STALL_TIMEOUT);

    private StowageOptions() {
    }

    /** The untyped declarations of {@code options}, for settings, documentation and samples. */
    public static List<OptionSpec> specs(List<Option<?>> options) {
        return options.stream().map(Option::spec).toList();
    }
}
