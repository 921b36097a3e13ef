package org.stowage.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.stowage.core.AddResult;
import org.stowage.core.Stowage;

/**
 * The result of {@code add} and {@code copy}: one JSON object, location, size, checksum (md5),
 * multihash, hash_algo, metadata. The command succeeds only if the caller learns where the image
 * is: if the result cannot be written (stdout closed or full), the image is deleted again.
 */
final class AddResults {
    private AddResults() {
    }

    /**
     * Prints {@code r} on {@code out}; if that fails, deletes the image from {@code store}
     * (null: the store its location routes to) and throws.
     */
    static void print(PrintWriter out, Stowage s, AddResult r, String store) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("location", r.location());
        m.put("size", r.size());
        m.put("checksum", r.checksum());
        m.put("multihash", r.multihash());
        m.put("hash_algo", r.hashAlgo());
        m.put("metadata", r.metadata());
        out.println(Json.render(m));
        if (!out.checkError()) {
            return;
        }
        try {
            s.delete(r.location(), store);
        } catch (RuntimeException e) {
            throw new IOException("could not write the result to standard output (closed or full), and deleting "
                    + "the image again failed (" + e.getMessage() + "): it is stored at " + r.location(), e);
        }
        throw new IOException("could not write the result to standard output (closed or full): the image was "
                + "deleted again, nothing is stored");
    }
}
