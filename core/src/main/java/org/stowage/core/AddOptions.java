package org.stowage.core;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import org.stowage.core.internal.HashAlgorithms;
import org.stowage.spi.AddPhases;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * How to add (or copy) an image, beyond its store and data: each setting left out takes its
 * default. Immutable; each method returns a copy with one more setting.
 *
 * <pre>{@code
 * stowage.add("fast", in, AddOptions.defaults().imageId(id).declaredSize(n).owner(project));
 * stowage.copy(location, "slow", AddOptions.defaults().expectedChecksum(md5).expectedMultihash(sha512));
 * }</pre>
 */
public final class AddOptions {
    private static final LongConsumer NO_PROGRESS = n -> { };
    private static final AddOptions DEFAULTS = new AddOptions(); // after NO_PROGRESS, which it uses
    private static final Pattern MD5 = Pattern.compile("[0-9a-fA-F]{32}");
    private static final Pattern HEX = Pattern.compile("(?:[0-9a-fA-F]{2})+");

    private String imageId;
    private long declaredSize = -1;
    private String hashAlgorithm;
    private String owner;
    private AddPhases phases = AddPhases.NONE;
    private String expectedChecksum;
    private String expectedMultihash;
    private LongConsumer progress = NO_PROGRESS;

    private AddOptions() {
    }

    private AddOptions copy() {
        AddOptions o = new AddOptions();
        o.imageId = imageId;
        o.declaredSize = declaredSize;
        o.hashAlgorithm = hashAlgorithm;
        o.owner = owner;
        o.phases = phases;
        o.expectedChecksum = expectedChecksum;
        o.expectedMultihash = expectedMultihash;
        o.progress = progress;
        return o;
    }

    /** A new random image id, the size unknown, {@code [DEFAULT] hashing_algorithm}, no owner, no phase reports. */
    public static AddOptions defaults() {
        return DEFAULTS;
    }

    /** The image id, a UUID as Glance requires ({@link ImageIds}). */
    public AddOptions imageId(String id) {
        AddOptions o = copy();
        o.imageId = id;
        return o;
    }

    /**
     * The size the data must have, in bytes.
     *
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public AddOptions declaredSize(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("declared size " + size + " is negative: expected 0 or more bytes");
        }
        AddOptions o = copy();
        o.declaredSize = size;
        return o;
    }

    /** The multihash algorithm (instead of {@code [DEFAULT] hashing_algorithm}). */
    public AddOptions hashAlgorithm(String algorithm) {
        AddOptions o = copy();
        o.hashAlgorithm = algorithm;
        return o;
    }

    /** The owning project id (stores that keep it record it). */
    public AddOptions owner(String project) {
        AddOptions o = copy();
        o.owner = project;
        return o;
    }

    /** Where the driver reports the steps of the add (creating volume, attaching...). */
    public AddOptions phases(AddPhases listener) {
        AddOptions o = copy();
        o.phases = listener == null ? AddPhases.NONE : listener;
        return o;
    }

    /**
     * The MD5 the data must have (Glance's {@code checksum}): the host compares it with what it
     * computed after the last byte and, if they differ, aborts the store's writer instead of
     * committing, so nothing of the image remains. Null: no check.
     *
     * @throws IllegalArgumentException if {@code md5} is not 32 hexadecimal digits
     */
    public AddOptions expectedChecksum(String md5) {
        if (md5 != null && !MD5.matcher(md5).matches()) {
            throw new IllegalArgumentException("expected checksum '" + ImageIds.shown(md5)
                    + "' is not an MD5: expected 32 hexadecimal digits");
        }
        AddOptions o = copy();
        o.expectedChecksum = md5 == null ? null : md5.toLowerCase(Locale.ROOT);
        return o;
    }

    /**
     * The multihash the data must have (Glance's {@code os_hash_value}), of the add's multihash
     * algorithm; checked as {@link #expectedChecksum} is. Null: no check.
     *
     * @throws IllegalArgumentException if {@code hex} is not an even number of hexadecimal digits
     */
    public AddOptions expectedMultihash(String hex) {
        if (hex != null && !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("expected multihash '" + ImageIds.shown(hex)
                    + "' is not a digest: expected hexadecimal digits, two per byte");
        }
        AddOptions o = copy();
        o.expectedMultihash = hex == null ? null : hex.toLowerCase(Locale.ROOT);
        return o;
    }

    /** Told the number of bytes the store has taken so far, after each chunk (from the adding thread). */
    public AddOptions progress(LongConsumer written) {
        AddOptions o = copy();
        o.progress = written == null ? NO_PROGRESS : written;
        return o;
    }

    /**
     * Checks these options against the multihash algorithm the add will use (this one's, else
     * {@code [DEFAULT] hashing_algorithm}), before anything is read: an expected multihash must
     * have the length of that algorithm's digests.
     *
     * @throws StoreException of kind {@link ErrorKind#UNKNOWN_HASHING_ALGO} for an unknown algorithm
     * @throws IllegalArgumentException naming both lengths if the expected multihash cannot be such a digest
     */
    public void checkFor(String algorithm) {
        String algo = HashAlgorithms.normalize(algorithm);
        int hexDigits = 2 * HashAlgorithms.digest(algo).getDigestLength();
        if (expectedMultihash != null && expectedMultihash.length() != hexDigits) {
            throw new IllegalArgumentException("expected multihash '" + ImageIds.shown(expectedMultihash) + "' has "
                    + expectedMultihash.length() + " hexadecimal digits, but a " + algo + " digest has " + hexDigits
                    + ": give the " + algo + " multihash, or choose the algorithm it was computed with");
        }
    }

    /**
     * True if {@code e} is an add's refusal of data whose checksums differ from the expected ones
     * ({@link #expectedChecksum}, {@link #expectedMultihash}): nothing of the data was committed.
     */
    public static boolean isChecksumMismatch(StoreException e) {
        return e.kind() == ErrorKind.BACKEND && e.getMessage() != null && e.getMessage().contains(AddPipeline.MISMATCH);
    }

    /** The image id, if chosen. */
    public Optional<String> imageId() {
        return Optional.ofNullable(imageId);
    }

    /** The declared size, if known. */
    public OptionalLong declaredSize() {
        return declaredSize < 0 ? OptionalLong.empty() : OptionalLong.of(declaredSize);
    }

    /** The multihash algorithm, if chosen. */
    public Optional<String> hashAlgorithm() {
        return Optional.ofNullable(hashAlgorithm);
    }

    /** The owner, if given. */
    public Optional<String> owner() {
        return Optional.ofNullable(owner);
    }

    /** The phase listener ({@link AddPhases#NONE} unless given). */
    public AddPhases phases() {
        return phases;
    }

    /** The MD5 the data must have (lower case), if given. */
    public Optional<String> expectedChecksum() {
        return Optional.ofNullable(expectedChecksum);
    }

    /** The multihash the data must have (lower case), if given. */
    public Optional<String> expectedMultihash() {
        return Optional.ofNullable(expectedMultihash);
    }

    /** The progress listener (one that ignores the counts unless given). */
    public LongConsumer progress() {
        return progress;
    }
}
