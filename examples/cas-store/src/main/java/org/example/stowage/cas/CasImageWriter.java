package org.example.stowage.cas;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.toolkit.FileChannels;
import org.stowage.drivers.toolkit.IoErrors;
import org.stowage.spi.Checksums;
import org.stowage.spi.ImageWriter;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoredImage;

/**
 * One add: the bytes go to {@code tmp/<image id>.<random>.part} while their SHA-256 (the object's
 * name) is computed; {@link #commit} then publishes under the root's lock ({@link CasRoot#publish}:
 * duplicate check, object, count, reference), so of two adds of one id exactly one wins.
 * {@link #abort} removes the temporary file; it does nothing after a commit or a second time.
 *
 * <p>The host owns the loop around it: it reads the source, computes the checksums Glance keeps,
 * enforces the declared size and the stall deadline, and calls abort on any failure.
 */
final class CasImageWriter implements ImageWriter {
    private static final Logger LOG = LoggerFactory.getLogger(CasImageWriter.class);

    private final CasRoot root;
    private final CasLocation location;
    private final Path part;
    private final FileChannel channel;
    private final CasStatus status;
    private final MessageDigest sha256 = sha256();
    private long written;
    private boolean finished;

    CasImageWriter(CasRoot root, CasLocation location, Path part, FileChannel channel, CasStatus status) {
        this.root = root;
        this.location = location;
        this.part = part;
        this.channel = channel;
        this.status = status;
    }

    @Override
    public void write(ByteBuffer data) {
        sha256.update(data.duplicate());
        try {
            written += FileChannels.writeFully(channel, data, written);
        } catch (IOException e) {
            throw failure("writing", e);
        }
    }

    @Override
    public StoredImage commit(Checksums checksums) {
        String hex = HexFormat.of().formatHex(sha256.digest());
        boolean deduplicated;
        try {
            if (root.fsync()) {
                channel.force(true);
            }
            channel.close();
            deduplicated = root.publish(location, hex, written, part);
        } catch (IOException e) {
            throw failure("publishing", e);
        }
        finished = true;
        status.added(written, deduplicated);
        LOG.debug("store '{}': added image {} ({} bytes, sha256 {}{})", root.storeId(), location.imageId(), written,
                hex, deduplicated ? ", content already stored" : "");
        return StoredImage.at(location.uri());
    }

    @Override
    public void abort() {
        if (finished) {
            return;
        }
        finished = true;
        try {
            channel.close();
        } catch (IOException e) {
            // removing the file below matters more
        }
        CasRoot.deleteQuietly(part);
    }

    private StoreException failure(String what, IOException e) {
        return IoErrors.writeFailure("store '" + root.storeId() + "': " + what + " image " + location.imageId()
                + " under " + root.path() + " failed after " + written + " bytes", e);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
