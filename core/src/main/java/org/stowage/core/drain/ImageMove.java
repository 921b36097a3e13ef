package org.stowage.core.drain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.core.Stowage;
import org.stowage.core.Uris;
import org.stowage.core.drain.DrainObserver.Point;
import org.stowage.core.drain.DrainReport.Item;
import org.stowage.core.drain.DrainReport.Outcome;
import org.stowage.core.locations.DrainLedger.Claim;
import org.stowage.core.locations.DrainLedger.State;
import org.stowage.core.locations.DrainLedger.Step;
import org.stowage.core.locations.GlanceDatabase;
import org.stowage.core.locations.GlanceImage;
import org.stowage.core.locations.ImageLocation;
import org.stowage.core.locations.LocationEdits;
import org.stowage.core.locations.LocationRow;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * One claimed image moved from the source store to the target, in an order that keeps a
 * complete, verified location in Glance at every instant: (1) the ledger says a copy is being
 * written; (2) the copy is written and verified against Glance's recorded checksum and
 * os_hash_value before it is committed; (3) the ledger records the copy's location; (4) one
 * transaction adds the copy's location row and removes the source rows as Glance does, and
 * records the swap in the ledger; (5) the source data is deleted; (6) done. Each ledger write is
 * fenced by the claim's token. A holder that died at any point is followed by one that first
 * finishes or undoes its work from the recorded step ({@link #recover}).
 */
final class ImageMove {
    private static final Logger LOG = LoggerFactory.getLogger(ImageMove.class);

    /** The claim was lost (another worker holds the image now): stop touching it. */
    static final class LostClaim extends GlanceDatabase.Rollback {
        LostClaim(String message) {
            super(message);
        }
    }

    private final Stowage stowage;
    private final GlanceDatabase db;
    private final DrainOptions options;
    private final Triage triage;
    private final DrainReport report;
    /**
     * The outcome of a swapped image (moved, dropped), reported once its source data is deleted:
     * an image whose source could not be deleted is reported failed only, never twice.
     */
    private Item swapped;

    ImageMove(Stowage stowage, GlanceDatabase db, DrainOptions options, Triage triage, DrainReport report) {
        this.stowage = stowage;
        this.db = db;
        this.options = options;
        this.triage = triage;
        this.report = report;
    }

    /** Finishes, skips or fails the claimed image; the ledger row ends done, skipped, failed, or back in the queue. */
    void run(Claim claim) {
        DrainObserver observer = options.observer();
        observer.after(claim.imageId(), Point.CLAIMED);
        List<String> sourceUrls = recover(claim);
        if (sourceUrls == null) {
            Optional<GlanceImage> image = db.image(claim.imageId());
            Triage.Decision d = image.map(triage::decide).orElse(new Triage.Decision(Triage.Action.NONE, List.of(), null));
            sourceUrls = switch (d.action()) {
                case NONE -> finishWithout(claim, image.isPresent() ? "no location in store '" + options.source()
                        + "' any more" : "the image is deleted");
                case SKIP -> skip(claim, d);
                case DROP -> drop(claim, image.get(), d.sourceRows());
                case MOVE -> move(claim, image.get(), d.sourceRows());
            };
            if (sourceUrls == null) {
                return;
            }
        }
        deleteSource(claim, sourceUrls);
        finish(claim, State.DONE, null);
        if (swapped != null) {
            report.add(swapped);
        }
        observer.after(claim.imageId(), Point.DONE);
    }

    /**
     * Finishes or undoes what a previous holder of the image left, from its recorded step.
     *
     * @return the source URLs whose data is still to delete (the swap happened), or null to start afresh
     */
    private List<String> recover(Claim claim) {
        if (claim.step() == Step.SWAPPED) {
            LOG.info("image {}: finishing the move of a previous worker (its locations were swapped)", claim.imageId());
            return urls(claim.sourceRows());
        }
        if (claim.step() == Step.COPIED && claim.targetLocation() != null) {
            boolean inGlance = db.locations(claim.imageId()).stream()
                    .anyMatch(r -> r.value().equals(claim.targetLocation()));
            if (inGlance) {
                return null; // Glance points to it (someone added it): the image is in the target, the rest is a drop
            }
            deleteCopy(claim.targetLocation(), "left by a worker that stopped before Glance pointed to it");
        } else if (claim.step() == Step.COPYING) {
            new StrayCopies(stowage, db, options.target()).remove(claim.imageId());
        }
        return null;
    }

    private List<String> finishWithout(Claim claim, String why) {
        finish(claim, State.DONE, why);
        return null;
    }

    private List<String> skip(Claim claim, Triage.Decision d) {
        String from = d.sourceRows().isEmpty() ? null : d.sourceRows().get(0).value();
        finish(claim, State.SKIPPED, d.reason());
        report.add(new Item(claim.imageId(), Outcome.SKIPPED, 0, from, null, d.reason()));
        return null;
    }

    /** The image is in the target already: only its source rows go, in one transaction with the ledger's swap. */
    private List<String> drop(Claim claim, GlanceImage image, List<LocationRow> rows) {
        List<String> urls = rows.stream().map(LocationRow::value).toList();
        swap(claim, null, rows, urls);
        options.observer().after(claim.imageId(), Point.SWAPPED);
        swapped = new Item(image.id(), Outcome.DROPPED, 0, urls.get(0), null, null);
        return urls;
    }

    private List<String> move(Claim claim, GlanceImage image, List<LocationRow> rows) {
        List<String> urls = rows.stream().map(LocationRow::value).toList();
        ledgerStep(claim, Step.COPYING, null, String.join("\n", urls));
        options.observer().after(claim.imageId(), Point.COPYING);
        AddResult copy;
        try {
            copy = stowage.copy(urls.get(0), options.target(), copyOptions(image));
        } catch (StoreException e) {
            boolean differs = AddOptions.isChecksumMismatch(e) || e.kind() == ErrorKind.SIZE_MISMATCH;
            String why = differs ? "the data at " + Uris.mask(urls.get(0))
                    + " no longer matches Glance's record of the image, so it was not moved: " + e.getMessage()
                    : "copy failed: " + e.getMessage();
            State state = differs ? State.SKIPPED : State.FAILED;
            finish(claim, state, why);
            report.add(new Item(image.id(), state == State.SKIPPED ? Outcome.SKIPPED : Outcome.FAILED, 0, urls.get(0),
                    null, why));
            return null;
        }
        try {
            ledgerStep(claim, Step.COPIED, copy.location(), null);
        } catch (LostClaim lost) {
            leaveCopy(claim, copy.location());
            throw lost;
        }
        options.observer().after(claim.imageId(), Point.COPIED);
        swap(claim, copy, rows, urls);
        options.observer().after(claim.imageId(), Point.SWAPPED);
        swapped = new Item(image.id(), Outcome.MOVED, copy.size(), urls.get(0), copy.location(), null);
        return urls;
    }

    private AddOptions copyOptions(GlanceImage image) {
        AddOptions o = AddOptions.defaults().imageId(image.id()).expectedChecksum(image.checksum());
        if (image.hashValue() != null) {
            o = o.hashAlgorithm(image.hashAlgo()).expectedMultihash(image.hashValue());
        }
        if (image.size() != null) {
            o = o.declaredSize(image.size());
        }
        DrainObserver observer = options.observer();
        long[] last = {0};
        return o.progress(n -> {
            observer.copied(n - last[0]);
            last[0] = n;
        });
    }

    /**
     * One transaction: the copy's row added (when there is a copy), the source rows removed as
     * Glance removes a location, the ledger's fenced step to swapped. A source row that changed
     * meanwhile, or a lost claim, rolls it all back; the copy, which nothing points to then, is deleted.
     */
    private void swap(Claim claim, AddResult copy, List<LocationRow> rows, List<String> urls) {
        try {
            db.edit(e -> {
                if (copy != null) {
                    e.add(claim.imageId(), new ImageLocation(copy.location(), copy.metadata()), LocationEdits.ACTIVE);
                }
                for (LocationRow r : rows) {
                    if (!e.remove(r, LocationEdits.DELETED)) {
                        throw new ConcurrentChange("location row " + r.id() + " of image " + claim.imageId()
                                + " changed while the image was moved");
                    }
                }
                if (!e.ledger().step(claim, Step.SWAPPED, null, String.join("\n", urls), now())) {
                    throw new LostClaim(lostMessage(claim));
                }
                return null;
            });
        } catch (ConcurrentChange | LostClaim e) {
            boolean held = e instanceof ConcurrentChange && stillHeld(claim);
            if (copy != null && held) {
                deleteCopy(copy.location(), "the swap was rolled back: " + e.getMessage());
            } else if (copy != null) {
                leaveCopy(claim, copy.location());
            }
            if (held) {
                release(claim);
            }
            throw e;
        }
    }

    /**
     * True while this worker still holds the image (its lease renewed, fenced). A worker that lost
     * it (it stalled past its lease) never deletes its copy: the copy's location is the image's
     * location in the target, where the worker that holds the image now may have written its own
     * copy, the one Glance may point to already.
     */
    private boolean stillHeld(Claim claim) {
        return db.ledger(l -> l.renew(claim, now() + options.lease().toMillis()));
    }

    private void leaveCopy(Claim claim, String location) {
        LOG.warn("image {}: its claim was lost to another worker, which now owns its copy's location {} in store {}: "
                + "left to it (a copy nothing points to is removed by the next holder)", claim.imageId(),
                Uris.mask(location), options.target());
    }

    /** A row changed between read and write: the image goes back to the queue. */
    static final class ConcurrentChange extends GlanceDatabase.Rollback {
        ConcurrentChange(String message) {
            super(message);
        }
    }

    /**
     * Deletes the source data, unless kept or still used: a URL another live location row points
     * to (another image sharing the data) is left. A failure leaves the image failed, to retry.
     */
    private void deleteSource(Claim claim, List<String> urls) {
        if (!options.keepsSource()) {
            for (String url : urls) {
                if (!db.locationsWithValue(url).isEmpty()) {
                    LOG.warn("image {}: source data {} is still used by another location: kept", claim.imageId(),
                            Uris.mask(url));
                    continue;
                }
                try {
                    stowage.delete(url, options.source());
                } catch (StoreException e) {
                    if (e.kind() != ErrorKind.NOT_FOUND) {
                        String why = "moved, but deleting the source data at " + Uris.mask(url) + " failed: "
                                + e.getMessage() + " (a re-run deletes it)";
                        finish(claim, State.FAILED, why);
                        report.add(new Item(claim.imageId(), Outcome.FAILED, 0, url,
                                swapped == null ? null : swapped.to(), why));
                        throw new SourceKept(why);
                    }
                }
            }
        }
        options.observer().after(claim.imageId(), Point.SOURCE_DELETED);
    }

    /** The source data could not be deleted: reported, the image left failed for a re-run. */
    static final class SourceKept extends RuntimeException {
        SourceKept(String message) {
            super(message);
        }
    }

    private void deleteCopy(String location, String why) {
        try {
            stowage.delete(location, options.target());
            LOG.info("deleted the copy {} in store {}: {}", Uris.mask(location), options.target(), why);
        } catch (StoreException e) {
            if (e.kind() != ErrorKind.NOT_FOUND) {
                LOG.warn("could not delete the copy {} in store {} ({}): {}; the next drain run removes it",
                        Uris.mask(location), options.target(), why, e.getMessage());
            }
        }
    }

    private void ledgerStep(Claim claim, Step step, String target, String sources) {
        if (!db.ledger(l -> l.step(claim, step, target, sources, now()))) {
            throw new LostClaim(lostMessage(claim));
        }
    }

    private void finish(Claim claim, State state, String note) {
        if (!db.ledger(l -> l.finish(claim, state, note, now()))) {
            throw new LostClaim(lostMessage(claim));
        }
    }

    private void release(Claim claim) {
        db.ledger(l -> l.release(claim, now()));
    }

    private static String lostMessage(Claim claim) {
        return "image " + claim.imageId() + ": the claim (token " + claim.token() + ") was lost to another worker";
    }

    private static List<String> urls(String sourceRows) {
        List<String> out = new ArrayList<>();
        if (sourceRows != null) {
            for (String u : sourceRows.split("\n")) {
                if (!u.isBlank()) {
                    out.add(u);
                }
            }
        }
        return out;
    }

    static long now() {
        return System.currentTimeMillis();
    }
}
