package org.stowage.drivers.cinder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.drivers.cinder.internal.CinderClient.Volume;
import org.stowage.drivers.toolkit.IoErrors;
import org.stowage.spi.AddPhases;
import org.stowage.spi.AddRequest;
import org.stowage.spi.Checksums;
import org.stowage.spi.ImageWriter;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoredImage;

/**
 * One add into a cinder store: creates the image-volume (marked in-progress, with a heartbeat),
 * attaches it read-write, writes, grows it for an image of unknown size, then detaches and marks
 * it complete and read-only. {@link #abort()} removes the volume and its attachments.
 */
final class CinderImageWriter implements ImageWriter {
    private static final Logger LOG = LoggerFactory.getLogger(CinderImageWriter.class);

    /** What a writer works with: the store's collaborators and the host's worker threads. */
    record Services(CinderStoreConfig cfg, CinderClient client, ImageVolumes volumes, VolumeCreation creation,
            Attachments attachments, Waits waits, VolumeDisposal disposal, Heartbeats heartbeats, Executor workers) {
    }

    private enum State { OPEN, COMMITTED, ABORTED }

    private final Services s;
    private final String imageId;
    private final String nonce;
    private final long declared;
    private final AddPhases phases;
    private final String id;
    private final String where;
    private Volume volume;
    private int sizeGib;
    private Heartbeats.Beat beat;
    private WriteSession session;
    private long written;
    /** Deleting the attachment failed (after the client's retries): the abort does not send it again. */
    private boolean attachmentStuck;
    private State state = State.OPEN;

    private CinderImageWriter(Services s, AddRequest request, Volume created, String nonce) {
        this.s = s;
        this.imageId = request.imageId();
        this.nonce = nonce;
        this.declared = request.declaredSize();
        this.phases = request.phases();
        this.volume = created;
        this.id = created.id();
        this.sizeGib = created.sizeGib();
        this.where = s.volumes().store() + "image " + imageId + ", volume " + id + ": ";
    }

    /**
     * Creates the add's volume and waits until it is available. Refuses (Duplicate) an image id
     * this store already holds, before and after the create; on any failure nothing is left.
     */
    static CinderImageWriter open(Services s, AddRequest request) {
        String imageId = request.imageId();
        String where = s.volumes().store() + "image " + imageId + ": ";
        String nonce = UUID.randomUUID().toString();
        s.creation().refuseIfTaken(imageId, null, nonce, where);
        request.phases().phase("creating volume");
        long declared = request.declaredSize();
        int sizeGib = declared <= 0 ? 1 : (int) Math.max(1, (declared + ImageVolumes.GIB - 1) / ImageVolumes.GIB);
        Volume created = s.creation().create("image-" + imageId, sizeGib, metadata(request, nonce), where);
        CinderImageWriter w = new CinderImageWriter(s, request, created, nonce);
        try {
            w.start();
            return w;
        } catch (RuntimeException | Error e) {
            w.abort();
            throw e;
        }
    }

    private static Map<String, String> metadata(AddRequest request, String nonce) {
        Map<String, String> md = new LinkedHashMap<>();
        md.put("glance_image_id", request.imageId());
        md.put("image_size", String.valueOf(Math.max(0, request.declaredSize())));
        request.owner().ifPresent(o -> md.put("image_owner", o));
        md.put(ImageVolumes.STATUS_KEY, AddVolumes.IN_PROGRESS);
        md.put(AddVolumes.NONCE_KEY, nonce);
        md.put(AddVolumes.HEARTBEAT_KEY, Instant.now().toString());
        return md;
    }

    private void start() {
        beat = s.heartbeats().start(id, where);
        volume = s.waits().until(id, "creating", "available", where);
        sizeGib = volume.sizeGib();
        s.creation().refuseIfTaken(imageId, volume, nonce, where); // lose before writing a byte
    }

    @Override
    public void write(ByteBuffer data) {
        requireOpen();
        try {
            if (session == null) {
                attach();
            }
            while (!session.fits(written, data.remaining())) {
                grow();
            }
            written += session.write(data, written);
        } catch (IOException e) {
            throw writeError(e);
        }
    }

    @Override
    public StoredImage commit(Checksums checksums) {
        requireOpen();
        try {
            if (session == null) {
                attach();
            }
            detach();
        } catch (IOException e) {
            throw writeError(e);
        }
        s.creation().refuseIfTaken(imageId, volume, nonce, where); // and again just before the image is complete
        beat.close();
        s.client().updateMetadata(id, Map.of("image_size", String.valueOf(written), ImageVolumes.STATUS_KEY,
                "complete"));
        s.client().setReadOnly(id, true);
        state = State.COMMITTED;
        LOG.info("{}stored ({} bytes)", where, written);
        return StoredImage.at(s.volumes().location(id).uri());
    }

    @Override
    public void abort() {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABORTED;
        try {
            if (session != null) {
                session.closeQuietly();
            }
        } catch (StoreException e) {
            attachmentStuck = true;
            LOG.warn("{}detaching after the failed add failed: {}", where, e.getMessage());
        } finally {
            session = null;
            if (beat != null) {
                beat.close();
            }
            s.disposal().discard(id, where, !attachmentStuck);
        }
    }

    private void requireOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException(where + "the add was already " + state.name().toLowerCase());
        }
    }

    private void attach() throws IOException {
        phases.phase("attaching");
        Attachments.Attached a = s.attachments().attach(id, "rw", where, (ms, w) -> Waits.sleep(ms));
        session = WriteSession.open(a, sizeGib, s.cfg().doExtendAttached(), s.workers());
        phases.phase("writing");
    }

    private void detach() throws IOException {
        phases.phase("detaching");
        WriteSession done = session;
        session = null;
        try {
            done.finish();
        } catch (StoreException e) {
            attachmentStuck = true; // only deleting the attachment throws this
            throw e;
        }
    }

    /**
     * Grows the full volume for an image of unknown size, attached if the connector allows it,
     * else detached; an image of declared size that does not fit is StorageFull.
     */
    private void grow() throws IOException {
        if (declared >= 0) {
            throw StoreException.storageFull(where + "the " + sizeGib + " GiB volume is full at byte " + written
                    + " although the declared size is " + declared + " bytes");
        }
        int newSize = grown(sizeGib);
        if (session.growsAttached()) {
            phases.phase("growing volume");
            extend(newSize, true, "in-use");
            session.grewTo(newSize);
        } else {
            detach();
            phases.phase("growing volume");
            extend(newSize, false, "available");
            attach();
        }
    }

    private int grown(int size) {
        long step = Math.max(1, ((long) size * s.cfg().extendGrowthPercent() + 99) / 100);
        return (int) Math.min(Integer.MAX_VALUE, size + step);
    }

    private void extend(int newSize, boolean attached, String expected) {
        LOG.debug("{}extend to {} GiB ({})", where, newSize, attached ? "attached" : "detached");
        s.client().extendVolume(id, newSize, attached);
        try {
            s.waits().until(id, "extending", expected, where);
        } catch (StoreException e) {
            throw StoreException.storageFull(where + "extend " + (attached ? "in use " : "") + "to " + newSize
                    + " GiB failed: " + e.getMessage(), e);
        }
        sizeGib = newSize;
    }

    /** What a failed write means, by the exception's type and errno as the file store decides it (IoErrors). */
    private StoreException writeError(IOException e) {
        return IoErrors.writeFailure(where + "write failed at byte " + written, e);
    }
}
