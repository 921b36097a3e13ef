package org.stowage.core;

import java.util.List;
import org.stowage.spi.OptionSpec;

/** Options the host declares for every store, whatever its driver (Glance's MULTI_BACKEND_OPTIONS). */
public final class HostOptions {
    /** {@code store_description}: free text shown by store discovery. */
    public static final OptionSpec STORE_DESCRIPTION = OptionSpec.string("store_description")
            .deprecatedName("description")
            .help("The description of the store, shown to users by store discovery. ('description' is accepted "
                    + "as an alias because the multi-cinder design and some guides use it.)")
            .build();
    /** {@code weight}: the store's sort key among an image's locations. */
    public static final OptionSpec WEIGHT = OptionSpec.integer("weight").defaultValue("0")
            .help("Relative weight of the store: locations in heavier stores are preferred when reading.").build();

    /** All host options. */
    public static final List<OptionSpec> ALL = List.of(STORE_DESCRIPTION, WEIGHT);

    private HostOptions() {
    }
}
