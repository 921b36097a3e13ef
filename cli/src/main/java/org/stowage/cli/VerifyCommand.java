package org.stowage.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.stowage.core.AddOptions;
import org.stowage.core.Stowage;
import org.stowage.core.Uris;
import org.stowage.spi.Checksums;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code stowage verify}: an image read once where it is stored, its MD5 and multihash computed in
 * parallel as an add computes them ({@link Stowage#checksums}), and compared with what the caller
 * expects. The output is one JSON object on one line unless {@code -f} asks for another format
 * (a record: a table of fields, value, CSV, YAML): the values found, a {@code match} entry per
 * expected value given, and {@code consistent}; the exit code is {@link ExitCodes#MISMATCH} when
 * one differs, and a note on stderr names each difference.
 */
@Command(name = "verify", description = {
    "Read an image once where it is stored, compute its MD5 and multihash in parallel (as 'add' does), and "
        + "compare them and its size with the values given. Print one JSON object (or with -f a table of fields, value, "
        + "csv or yaml): location, store, size, "
        + "checksum, os_hash_algo, os_hash_value, match (one boolean per value given: size, checksum, multihash) "
        + "and consistent (true when every value given matches).",
    "Exit codes: 0 when every value given matches (or none is given), " + ExitCodes.MISMATCH + " (Mismatch) when "
        + "one differs, 3 (NotFound) when the image is missing."})
final class VerifyCommand extends StowageSubcommand implements Callable<Integer> {
    @Mixin
    LocationArgs target;
    @Option(names = "--checksum", paramLabel = "MD5", converter = CopyCommand.Md5Converter.class,
            description = "The MD5 the image should have (Glance's checksum): 32 hexadecimal digits.")
    String checksum;
    @Option(names = "--multihash", paramLabel = "HEX", converter = CopyCommand.MultihashConverter.class,
            description = "The multihash the image should have (Glance's os_hash_value), of --hash-algo: hexadecimal "
                    + "digits, two per byte of that algorithm's digest.")
    String multihash;
    @Option(names = "--hash-algo", paramLabel = "ALGO", description = "The multihash algorithm (Glance's "
            + "os_hash_algo; default: [DEFAULT] hashing_algorithm, sha512), also when --multihash is given alone.")
    String hashAlgo;
    @Option(names = "--size", paramLabel = "N", converter = Ranges.NonNegative.class,
            description = "The size in bytes the image should have (Glance's size).")
    Long size;
    @Mixin
    OutputOptions output;

    /** The fields of verify's record. */
    static final List<Column> FIELDS = List.of(Column.of("location"), Column.of("store"), Column.of("size"),
            Column.of("checksum"), Column.of("os_hash_algo"), Column.of("os_hash_value"), Column.of("match"),
            Column.of("consistent"));

    @Override
    public Integer call() {
        output.byDefault(OutputOptions.Format.JSON).selected(FIELDS, output.format());
        try (Stowage s = open()) {
            String algo = hashAlgo != null ? hashAlgo : s.config().hashingAlgorithm();
            checkMultihash(algo);
            Interruption.arm(s, "the verification stopped before the whole image was read; nothing was changed");
            String storeId = s.locate(target.location, target.store).store().id();
            Checksums found = s.checksums(target.location, storeId, algo, size == null ? -1 : size);
            Map<String, Boolean> match = new LinkedHashMap<>();
            List<String> differences = new ArrayList<>();
            compare("size", size == null ? null : String.valueOf(size), String.valueOf(found.size()), match, differences);
            compare("checksum", checksum, found.md5(), match, differences);
            compare("multihash", multihash, found.multihash(), match, differences);
            output.print(Listing.record(FIELDS, asJson(storeId, found, match, differences.isEmpty())));
            if (differences.isEmpty()) {
                return ExitCodes.OK;
            }
            PrintWriter err = spec.commandLine().getErr();
            err.println("stowage: Mismatch: " + Uris.mask(target.location) + " in store '" + storeId + "': "
                    + String.join("; ", differences));
            err.flush();
            return ExitCodes.MISMATCH;
        }
    }

    /** An expected multihash must have the length of the algorithm's digests: a usage error naming both. */
    private void checkMultihash(String algo) {
        try {
            AddOptions.defaults().expectedMultihash(multihash).checkFor(algo);
        } catch (IllegalArgumentException e) {
            throw usageError("--multihash: " + e.getMessage() + " (--hash-algo ALGO)");
        }
    }

    /** Records whether {@code found} is {@code expected} (nothing when no value was expected). */
    private static void compare(String field, String expected, String found, Map<String, Boolean> match,
            List<String> differences) {
        if (expected == null) {
            return;
        }
        boolean same = expected.equals(found);
        match.put(field, same);
        if (!same) {
            differences.add(field + " is " + found + ", expected " + expected);
        }
    }

    private Map<String, Object> asJson(String storeId, Checksums found, Map<String, Boolean> match, boolean consistent) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("location", Uris.mask(target.location));
        doc.put("store", storeId);
        doc.put("size", found.size());
        doc.put("checksum", found.md5());
        doc.put("os_hash_algo", found.hashAlgo());
        doc.put("os_hash_value", found.multihash());
        doc.put("match", match);
        doc.put("consistent", consistent);
        return doc;
    }
}
