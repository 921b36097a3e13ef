package org.stowage.drivers.cinder;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.drivers.cinder.internal.CinderClient.Attachment;
import org.stowage.drivers.cinder.internal.CinderClient.Volume;
import org.stowage.spi.ImageInventory;
import org.stowage.spi.InventoryEntry;
import org.stowage.spi.InventoryPage;
import org.stowage.spi.Leftover;
import org.stowage.spi.StoreException;

/**
 * What the store holds: its image-volumes page by page, and what interrupted adds and killed
 * readers left (in-progress volumes, read attachments of dead processes), which gc removes.
 */
final class Janitor implements ImageInventory {
    /** Volume states a delete cannot get out of by deleting attachments (only an admin reset can). */
    private static final Set<String> STUCK = Set.of("creating", "extending", "downloading", "uploading",
            "retyping", "backing-up", "restoring-backup", "maintenance", "awaiting-transfer");

    private final CinderClient client;
    private final ImageVolumes volumes;
    private final Attachments attachments;
    private final VolumeDisposal disposal;

    Janitor(CinderClient client, ImageVolumes volumes, Attachments attachments, VolumeDisposal disposal) {
        this.client = client;
        this.volumes = volumes;
        this.attachments = attachments;
        this.disposal = disposal;
    }

    /**
     * One page of the store's image-volumes (its volume type, an image id), in Cinder's order
     * (newest first); the cursor is the last volume id Cinder listed. A volume being deleted is
     * not listed; one marked in-progress is an add still running or interrupted (size unknown).
     */
    @Override
    public InventoryPage list(String cursor, int limit) {
        List<Volume> page = volumes.page(Math.max(1, limit), cursor, Map.of());
        List<InventoryEntry> out = new ArrayList<>();
        for (Volume v : page) {
            if (!"deleting".equals(v.status()) && volumes.notOwnImageVolume(v).isEmpty()) {
                out.add(entry(v));
            }
        }
        Optional<String> next = page.size() < limit ? Optional.empty() : Optional.of(page.get(page.size() - 1).id());
        return new InventoryPage(out, next);
    }

    private InventoryEntry entry(Volume v) {
        String glanceId = v.metadata().get("glance_image_id");
        String imageId = glanceId != null && !glanceId.isBlank() ? glanceId : v.name().substring("image-".length());
        boolean complete = !AddVolumes.isInProgress(v);
        Instant created = Optional.ofNullable(AddVolumes.instant(v.createdAt())).orElse(Instant.EPOCH);
        return new InventoryEntry(imageId, volumes.location(v.id()).uri(), complete ? ImageVolumes.imageSize(v) : -1,
                created, complete);
    }

    /**
     * Volumes of this store (its volume type, an image id in {@code glance_image_id} or the name
     * {@code image-...}, of any form) whose metadata {@code stowage_status} is
     * {@code in-progress} and whose add last showed a sign of life at least {@code olderThan}
     * ago (the latest of its heartbeat, created_at and updated_at): what a killed add left. A
     * running add refreshes its heartbeat every {@link Heartbeats#DEFAULT_INTERVAL}, so a
     * threshold above that never lists it. Listed page by page with Cinder's metadata filter,
     * and every condition checked again on the client. A volume marked {@code complete}, or
     * without the marker (glance_store's, or created by hand), is never a leftover. Also the
     * read attachments of readers that are gone ({@link #staleReads()}).
     */
    @Override
    public List<Leftover> leftovers(Duration olderThan) {
        Instant cutoff = Instant.now().minus(olderThan);
        String mine = volumes.ownType();
        List<Leftover> out = new ArrayList<>();
        volumes.scan(Map.of("metadata", "{\"" + ImageVolumes.STATUS_KEY + "\": \"in-progress\"}"), page -> {
            for (Volume v : page) {
                Instant since = AddVolumes.lastSignOfLife(v);
                if (AddVolumes.isInProgressImageVolume(v, mine) && since != null && !since.isAfter(cutoff)) {
                    out.add(new Leftover(v.id(), describeLeftover(v), since));
                }
            }
            return true;
        });
        out.addAll(staleReads());
        return out;
    }

    private String describeLeftover(Volume v) {
        StringBuilder b = new StringBuilder("in-progress volume ").append(v.id()).append(" '").append(v.name())
                .append("' (status ").append(v.status()).append(", ").append(v.sizeGib()).append(" GiB, type ")
                .append(v.volumeType()).append(")");
        try {
            List<Attachment> atts = client.attachmentsOf(v.id());
            if (atts.isEmpty()) {
                b.append(", no attachments");
            } else {
                b.append(", attachments:");
                for (Attachment a : atts) {
                    b.append(' ').append(a.id()).append(" (").append(a.status()).append(')');
                }
            }
        } catch (StoreException e) {
            b.append(", attachments unknown: ").append(e.getMessage());
        }
        return b.toString();
    }

    /**
     * Removes an in-progress volume found by {@link #leftovers}: checks again that it is
     * still an in-progress image-volume of this store and that its add showed no sign of life
     * since gc listed it (a newer heartbeat: the add is running), deletes its attachments
     * ({@code DELETE /attachments/{id}}, microversion 3.54), deletes the volume and waits until
     * Cinder no longer lists it. A volume stuck in a transitional state ({@code creating},
     * {@code extending}, ...) is not touched: resetting it is admin-only, so the error says
     * what an administrator has to run.
     */
    @Override
    public void remove(Leftover leftover) {
        Optional<StaleRead> read = StaleRead.parse(leftover.id());
        if (read.isPresent()) {
            removeStaleRead(read.get());
            return;
        }
        String id = leftover.id();
        String where = volumes.store() + "leftover volume " + id + ": ";
        Optional<Volume> found = client.getVolume(id);
        if (found.isEmpty()) {
            return; // already gone
        }
        Volume v = found.get();
        checkStillLeftover(v, leftover, where);
        if ("deleting".equals(v.status())) {
            disposal.awaitGone(id, where);
        } else {
            disposal.deleteDetached(id, where);
        }
    }

    private void checkStillLeftover(Volume v, Leftover leftover, String where) {
        if (!AddVolumes.isInProgressImageVolume(v, volumes.ownType())) {
            throw StoreException.backend(where + "not removed: it is no longer an in-progress image-volume of this store"
                    + " (name '" + v.name() + "', type " + v.volumeType() + ", " + ImageVolumes.STATUS_KEY + " = "
                    + v.metadata().getOrDefault(ImageVolumes.STATUS_KEY, "<none>") + ")");
        }
        Instant alive = AddVolumes.lastSignOfLife(v);
        if (alive != null && alive.isAfter(leftover.since())) {
            throw StoreException.backend(where + "not removed: the add writing it is alive (sign of life at " + alive
                    + ", after gc listed it as last alive at " + leftover.since() + ")");
        }
        if (STUCK.contains(v.status())) {
            throw StoreException.backend(where + "not removed: the volume is stuck in '" + v.status() + "'; only a Cinder"
                    + " administrator can reset it (cinder reset-state --state error " + v.id() + "), then run gc again");
        }
    }

    /**
     * The read attachments of this store's image-volumes whose reader, a process on this host
     * recorded in the volume's metadata ({@link ReaderMark}), is gone: killed mid-read. They are
     * stale at once (a dead process reads nothing), so the age threshold does not apply. A mark
     * whose attachment is already gone is reported too (removing it only drops the mark).
     * Attachments without a mark, of readers on other hosts or of other volumes are never listed.
     */
    private List<Leftover> staleReads() {
        List<Leftover> out = new ArrayList<>();
        volumes.scan(Map.of(), page -> {
            for (Volume v : page) {
                Map<String, ReaderMark> gone = goneReaders(v);
                if (!gone.isEmpty() && volumes.notOwnImageVolume(v).isEmpty()) {
                    out.addAll(staleReadsOf(v, gone));
                }
            }
            return true;
        });
        return out;
    }

    /** The volume's reader marks (by attachment id) whose process is gone. */
    private static Map<String, ReaderMark> goneReaders(Volume v) {
        Map<String, ReaderMark> out = new LinkedHashMap<>();
        v.metadata().forEach((k, val) -> ReaderMark.attachmentOf(k).ifPresent(att -> ReaderMark.parse(val)
                .filter(ReaderMark::isGone).ifPresent(m -> out.put(att, m))));
        return out;
    }

    private List<Leftover> staleReadsOf(Volume v, Map<String, ReaderMark> gone) {
        Map<String, String> status = new LinkedHashMap<>();
        for (Attachment a : client.attachmentsOf(v.id())) {
            status.put(a.id(), a.status());
        }
        Instant since = Optional.ofNullable(AddVolumes.since(v)).orElse(Instant.EPOCH);
        List<Leftover> out = new ArrayList<>();
        gone.forEach((att, mark) -> out.add(new Leftover(new StaleRead(v.id(), att).leftoverId(),
                "read attachment " + att + " (" + status.getOrDefault(att, "already deleted, only its mark is left")
                        + ") of image-volume " + v.id() + " '" + v.name() + "', left by " + mark.describe()
                        + ", which is gone", since)));
        return out;
    }

    /**
     * Removes a stale read attachment: checks again that the volume is this store's image-volume
     * and that the recorded reader is gone, deletes the attachment if it is one of this volume's
     * (Cinder detaches before it answers), then the mark.
     */
    private void removeStaleRead(StaleRead r) {
        String where = volumes.store() + "read attachment " + r.attachmentId() + " of volume " + r.volumeId() + ": ";
        Optional<Volume> found = client.getVolume(r.volumeId());
        if (found.isEmpty()) {
            return; // volume gone, and its attachments with it
        }
        Volume v = found.get();
        Optional<String> notMine = volumes.notOwnImageVolume(v);
        if (notMine.isPresent()) {
            throw StoreException.backend(where + "not removed: " + notMine.get());
        }
        String key = ReaderMark.key(r.attachmentId());
        Optional<ReaderMark> mark = ReaderMark.parse(v.metadata().get(key));
        if (mark.isEmpty()) {
            return; // removed meanwhile
        }
        if (!mark.get().isGone()) {
            throw StoreException.backend(where + "not removed: its reader, " + mark.get().describe() + ", is running");
        }
        if (client.attachmentsOf(r.volumeId()).stream().anyMatch(a -> a.id().equals(r.attachmentId()))) {
            attachments.delete(r.attachmentId(), where);
        }
        attachments.unmarkReader(r.volumeId(), key, where);
    }
}
