package org.stowage.core.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * Multihash algorithms by their glance (Python hashlib) names, mapped to JCA names.
 */
public final class HashAlgorithms {
    private static final Map<String, String> JCA = new LinkedHashMap<>();

    static {
        JCA.put("sha512", "SHA-512");
        JCA.put("sha256", "SHA-256");
        JCA.put("sha384", "SHA-384");
        JCA.put("sha224", "SHA-224");
        JCA.put("sha1", "SHA-1");
        JCA.put("md5", "MD5");
        JCA.put("sha512_224", "SHA-512/224");
        JCA.put("sha512_256", "SHA-512/256");
        JCA.put("sha3_224", "SHA3-224");
        JCA.put("sha3_256", "SHA3-256");
        JCA.put("sha3_384", "SHA3-384");
        JCA.put("sha3_512", "SHA3-512");
    }

    /** Fresh digests to clone, by glance name; empty where the provider's digest cannot be cloned. */
    private static final Map<String, Optional<MessageDigest>> PROTOTYPES = new ConcurrentHashMap<>();

    /** Glance's default multihash algorithm ({@code [DEFAULT] hashing_algorithm}). */
    public static final String DEFAULT = "sha512";

    private HashAlgorithms() {
    }

    /**
     * The glance name for {@code algo} (case-insensitive; {@code SHA-256} is also accepted).
     *
     * @throws StoreException of kind {@link ErrorKind#UNKNOWN_HASHING_ALGO} naming the value and the accepted names
     */
    public static String normalize(String algo) {
        if (algo == null || algo.isBlank()) {
            return DEFAULT;
        }
        String a = algo.trim().toLowerCase(Locale.ROOT);
        if (JCA.containsKey(a)) {
            return a;
        }
        String alt = a.replace("-", "").replace("/", "_");
        if (JCA.containsKey(alt)) {
            return alt;
        }
        if (alt.startsWith("sha3") && JCA.containsKey(alt.replace("sha3", "sha3_"))) {
            return alt.replace("sha3", "sha3_");
        }
        throw StoreException.unknownHashingAlgo("unknown hashing algorithm '" + algo + "': expected one of "
                + String.join(", ", JCA.keySet()));
    }

    /**
     * A new digest for a glance algorithm name: a clone of a fresh digest kept per algorithm (a
     * provider look-up per add cost more than hashing 4 KiB), or a new instance if it cannot be cloned.
     */
    public static MessageDigest digest(String algo) {
        String name = normalize(algo);
        Optional<MessageDigest> prototype = PROTOTYPES.computeIfAbsent(name, HashAlgorithms::prototype);
        if (prototype.isPresent()) {
            try {
                return (MessageDigest) prototype.get().clone(); // the prototype is never updated: clones start empty
            } catch (CloneNotSupportedException e) {
                PROTOTYPES.put(name, Optional.empty());
            }
        }
        return newDigest(algo, name);
    }

    private static Optional<MessageDigest> prototype(String name) {
        MessageDigest d = newDigest(name, name);
        return d instanceof Cloneable ? Optional.of(d) : Optional.empty();
    }

    private static MessageDigest newDigest(String algo, String name) {
        try {
            return MessageDigest.getInstance(JCA.get(name));
        } catch (NoSuchAlgorithmException e) {
            throw StoreException.unknownHashingAlgo("hashing algorithm '" + algo + "' is not available in this JVM", e);
        }
    }

    /** The accepted glance names. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(JCA.keySet());
    }
}
