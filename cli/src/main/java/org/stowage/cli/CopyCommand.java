package org.stowage.cli;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.core.StoreHandle;
import org.stowage.core.Stowage;
import org.stowage.core.Uris;
import org.stowage.spi.InventoryEntry;
import org.stowage.spi.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** {@code stowage copy}. */
@Command(name = "copy", description = {
    "Copy an image into another store and print one JSON object, as 'add' does: location, size, checksum (md5), "
        + "multihash, hash_algo, metadata. The image is read from the store its location routes to (as 'get' "
        + "reads it; that store is never changed) and added to --to through the add pipeline, which hashes it on "
        + "the way.",
    "With --checksum or --multihash, a copy whose data differs is never committed. Whatever fails (the source's "
        + "read, the checksums, the target), nothing of the copy remains in the target."})
final class CopyCommand extends StowageSubcommand implements Callable<Integer> {
    @Parameters(paramLabel = "LOCATION", description = "The image to copy, e.g. file:///var/lib/glance/images/<id>, "
            + "cinder://<store>/<volume>, https://host/image.")
    String location;
    @Option(names = "--to", required = true, paramLabel = "STORE", description = "The store to copy into (another "
            + "store than the source's).")
    String to;
    @Option(names = "--image-id", paramLabel = "UUID", converter = AddCommand.ImageIdConverter.class,
            description = "The copy's image id (default: the source's, as its store lists it; required when the "
                    + "source store lists no images, as an http store).")
    String imageId;
    @Option(names = "--checksum", paramLabel = "MD5", converter = Md5Converter.class,
            description = "The MD5 the image must have (Glance's checksum); a copy that differs is not kept.")
    String checksum;
    @Option(names = "--multihash", paramLabel = "HEX", converter = MultihashConverter.class,
            description = "The multihash the image must have (Glance's os_hash_value), of --hash; a copy that differs "
                    + "is not kept.")
    String multihash;
    @Option(names = "--hash", paramLabel = "ALGO", description = "Multihash algorithm (default: [DEFAULT] "
            + "hashing_algorithm, sha512).")
    String hash;

    @Override
    public Integer call() throws IOException {
        try (Stowage s = open()) {
            Interruption.arm(s);
            s.store(to);
            AddOptions options = AddOptions.defaults().hashAlgorithm(hash).expectedChecksum(checksum)
                    .expectedMultihash(multihash);
            try {
                options.checkFor(hash != null ? hash : s.config().hashingAlgorithm());
            } catch (IllegalArgumentException e) {
                throw usageError("--multihash: " + e.getMessage() + " (--hash ALGO)");
            }
            options = options.imageId(imageId != null ? imageId : sourceImageId(s));
            AddResult r;
            if (root().progress()) {
                try (Progress bar = Progress.start("copy", sizeOrUnknown(s))) {
                    r = s.copy(location, to, options.phases(bar).progress(bar::written));
                    bar.finish();
                }
            } else {
                r = s.copy(location, to, options);
            }
            AddResults.print(out(), s, r, to);
        }
        return 0;
    }

    /** The source's size for the bar; -1 when its store cannot tell now (the copy then reports why it fails). */
    private long sizeOrUnknown(Stowage s) {
        try {
            return s.size(location);
        } catch (StoreException e) {
            return -1;
        }
    }

    /**
     * The source's image id as its store lists it; a usage error when the store cannot tell it,
     * once the image is known to exist (a missing one is {@code NotFound}, as for get).
     */
    private String sourceImageId(Stowage s) {
        Optional<InventoryEntry> listed = s.findImage(location);
        if (listed.isPresent()) {
            return listed.get().imageId();
        }
        s.size(location);
        StoreHandle h = s.resolve(location);
        throw usageError("the image id of " + Uris.mask(location) + " is unknown: "
                + (h.keepsInventory() ? "store '" + h.id() + "' does not list it"
                        : "store '" + h.id() + "' (" + h.type() + ") keeps no inventory that would tell it")
                + "; give one with --image-id UUID");
    }

    /** {@code --checksum}: 32 hexadecimal digits. */
    static final class Md5Converter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return AddOptions.defaults().expectedChecksum(value).expectedChecksum().orElseThrow();
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code --multihash}: hexadecimal digits, two per byte (its length is checked against the algorithm). */
    static final class MultihashConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return AddOptions.defaults().expectedMultihash(value).expectedMultihash().orElseThrow();
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
