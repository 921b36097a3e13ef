package org.stowage.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The location argument of get, size and delete, with the optional store override. */
final class LocationArgs {
    @Option(names = "--store", paramLabel = "ID", description = "The store (default: the one that owns the location).")
    String store;

    @Parameters(paramLabel = "LOCATION", description = "A location URI, e.g. file:///var/lib/glance/images/<id>, "
            + "cinder://<store>/<volume>, https://host/image.")
    String location;
}
