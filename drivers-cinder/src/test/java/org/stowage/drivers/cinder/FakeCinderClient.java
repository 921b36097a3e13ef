package org.stowage.drivers.cinder;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.drivers.cinder.internal.CinderHttpException;
import org.stowage.spi.StoreException;

/**
 * An in-memory Cinder behind the {@link CinderClient} port, for unit tests of the writer,
 * attachments and janitor: volumes with statuses and metadata, attachments, extend, and the
 * state changes a real Cinder makes (creating → available, extending → available or in-use,
 * reserved → in-use → available). A volume's data is a file of {@code bytesPerGib} bytes per
 * GiB of its size (small, so a test fills a volume with a few KiB), handed out as a
 * {@code local} connection ({@code device_path}).
 *
 * <p>Failures are scripted per call, as the real client reports them once its retries are
 * spent: {@link #fail} throws HTTP errors or timeouts, before or after doing the call's work
 * (an answer lost on the way back), for the next N calls or every call.
 */
final class FakeCinderClient implements CinderClient {
    /** Cinder's default volume type here. */
    static final String DEFAULT_TYPE = "glance-fast";
    private static final Pattern METADATA_FILTER = Pattern.compile("\\{\"([^\"]+)\": \"([^\"]*)\"}");

    /** What a scripted failure does. */
    record Failure(int status, boolean timeout, boolean afterDoing, String detail) {
        /** Cinder answers {@code status} (500, 503, 400 ...) without doing anything. */
        static Failure http(int status) {
            return new Failure(status, false, false, "");
        }

        /** Cinder does the work, then its answer {@code status} is all the client sees. */
        static Failure httpAfterDoing(int status) {
            return new Failure(status, false, true, "");
        }

        /** The call's deadline passes before any answer; Cinder did the work or not. */
        static Failure timeout(boolean afterDoing) {
            return new Failure(0, true, afterDoing, "");
        }

        /** Cinder refuses an attachment because another one holds the volume. */
        static Failure busy() {
            return new Failure(400, false, false, " Invalid volume: status must be available or downloading to "
                    + "reserve, but the current status is in-use");
        }
    }

    private record Rule(Failure failure, int[] left) {
    }

    private final Path dir;
    private final Map<String, Volume> volumes = new LinkedHashMap<>();
    private final Map<String, Attachment> attachments = new LinkedHashMap<>();
    private final Map<String, Rule> rules = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    /** Statuses a volume goes to at its next status read, instead of the usual one. */
    private final Map<String, String> nextStatus = new HashMap<>();
    private final AtomicLong clock = new AtomicLong();
    private volatile boolean holdCreating;
    private volatile String extendEndsIn;

    private final long bytesPerGib;

    FakeCinderClient(Path dir, long bytesPerGib) {
        this.dir = dir;
        this.bytesPerGib = bytesPerGib;
    }

    /** The next {@code times} calls of {@code call} (e.g. {@code "deleteAttachment"}) fail; -1: every call. */
    FakeCinderClient fail(String call, Failure failure, int times) {
        rules.put(call, new Rule(failure, new int[] {times}));
        return this;
    }

    /** Drops every scripted failure. */
    void heal() {
        rules.clear();
    }

    /** New volumes stay in 'creating' (a Cinder whose volume service is stuck). */
    void holdCreating() {
        holdCreating = true;
    }

    /** Extends end in {@code status} (e.g. {@code error_extending}) instead of succeeding. */
    void extendEndsIn(String status) {
        extendEndsIn = status;
    }

    /** How often {@code call} was made (failed ones included). */
    long calls(String call) {
        AtomicLong n = calls.get(call);
        return n == null ? 0 : n.get();
    }

    /** Every volume, in any state. */
    synchronized List<Volume> volumes() {
        return List.copyOf(volumes.values());
    }

    /** Every attachment. */
    synchronized List<Attachment> attachments() {
        return List.copyOf(attachments.values());
    }

    /** Puts a volume in place as if some other add or process had made it an hour ago. */
    synchronized Volume put(String name, String status, String type, Map<String, String> metadata) {
        String anHourAgo = Instant.now().minusSeconds(3600).toString().replace("Z", "");
        Volume v = new Volume(UUID.randomUUID().toString(), name, status, 1, type, Map.copyOf(metadata), false, false,
                anHourAgo, anHourAgo);
        volumes.put(v.id(), v);
        allocate(v.id(), 1);
        return v;
    }

    /** Now, as Cinder writes it (UTC without a zone); never before the time before. */
    private String now() {
        long ms = clock.updateAndGet(last -> Math.max(last, System.currentTimeMillis()));
        return Instant.ofEpochMilli(ms).toString().replace("Z", "");
    }

    private void enter(String call, boolean beforeWork) {
        if (beforeWork) {
            calls.computeIfAbsent(call, k -> new AtomicLong()).incrementAndGet();
        }
        Rule r = rules.get(call);
        if (r == null || r.failure().afterDoing() == beforeWork || r.left()[0] == 0) {
            return;
        }
        if (r.left()[0] > 0) {
            r.left()[0]--;
        }
        Failure f = r.failure();
        String what = words(call);
        if (f.timeout()) {
            throw StoreException.timeout("store 'fake': cannot " + what + ": fake Cinder did not answer in time");
        }
        CinderHttpException cause = new CinderHttpException(f.status(), "store 'fake': fake Cinder refused to " + what
                + ": HTTP " + f.status() + f.detail());
        throw f.status() >= 500 ? StoreException.remoteServiceUnavailable(cause.getMessage(), cause)
                : StoreException.backend(cause.getMessage(), cause);
    }

    /** "complete attachment" for {@code completeAttachment}, as the real client names its calls. */
    private static String words(String call) {
        return call.replaceAll("([A-Z])", " $1").toLowerCase(java.util.Locale.ROOT);
    }

    private void before(String call) {
        enter(call, true);
    }

    private void after(String call) {
        enter(call, false);
    }

    @Override
    public String describe() {
        return "fake Cinder";
    }

    @Override
    public Optional<VolumeType> findVolumeType(String name) {
        before("findVolumeType");
        return List.of(DEFAULT_TYPE, "glance-slow").contains(name) ? Optional.of(new VolumeType(name + "-id", name))
                : Optional.empty();
    }

    @Override
    public VolumeType defaultVolumeType() {
        before("defaultVolumeType");
        return new VolumeType(DEFAULT_TYPE + "-id", DEFAULT_TYPE);
    }

    @Override
    public synchronized Volume createVolume(String name, int sizeGib, String volumeType, Map<String, String> metadata) {
        before("createVolume");
        String type = volumeType == null ? DEFAULT_TYPE : volumeType;
        Volume v = new Volume(UUID.randomUUID().toString(), name, "creating", sizeGib, type, Map.copyOf(metadata),
                false, false, now(), now());
        volumes.put(v.id(), v);
        allocate(v.id(), sizeGib);
        after("createVolume");
        return v;
    }

    private void allocate(String volumeId, int sizeGib) {
        try (RandomAccessFile f = new RandomAccessFile(file(volumeId).toFile(), "rw")) {
            f.setLength(sizeGib * bytesPerGib);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path file(String volumeId) {
        return dir.resolve(volumeId);
    }

    @Override
    public synchronized Optional<Volume> getVolume(String volumeId) {
        before("getVolume");
        Volume v = volumes.get(volumeId);
        if (v == null) {
            return Optional.empty();
        }
        String next = settled(v);
        if (!next.equals(v.status())) {
            v = with(v, next, v.sizeGib(), v.metadata());
        }
        after("getVolume");
        return Optional.of(v);
    }

    /** The status a volume in transition reaches once looked at again. */
    private String settled(Volume v) {
        String forced = nextStatus.remove(v.id());
        if (forced != null) {
            return forced;
        }
        return switch (v.status()) {
            case "creating" -> holdCreating ? "creating" : "available";
            case "detaching" -> "available";
            default -> v.status();
        };
    }

    private Volume with(Volume v, String status, int sizeGib, Map<String, String> metadata) {
        Volume w = new Volume(v.id(), v.name(), status, sizeGib, v.volumeType(), Map.copyOf(metadata), v.multiattach(),
                v.encrypted(), v.createdAt(), now());
        volumes.put(w.id(), w);
        return w;
    }

    private Volume existing(String volumeId, String call) {
        Volume v = volumes.get(volumeId);
        if (v == null) {
            CinderHttpException cause = new CinderHttpException(404, "fake Cinder: no volume " + volumeId);
            throw StoreException.notFound("store 'fake': fake Cinder refused to " + call + ": HTTP 404", cause);
        }
        return v;
    }

    private static StoreException refused(String call, String why) {
        String msg = "store 'fake': fake Cinder refused to " + call + ": HTTP 400 " + why;
        return StoreException.backend(msg, new CinderHttpException(400, msg));
    }

    @Override
    public synchronized List<Volume> listVolumes(boolean allProjects) {
        before("listVolumes");
        return sorted(volumes.values().stream().toList());
    }

    private static List<Volume> sorted(List<Volume> in) {
        List<Volume> out = new ArrayList<>(in);
        out.sort(Comparator.comparing(Volume::createdAt).thenComparing(Volume::id).reversed());
        return out;
    }

    @Override
    public synchronized List<Volume> listVolumesPage(int limit, String marker, Map<String, String> filters) {
        before("listVolumesPage");
        List<Volume> all = sorted(volumes.values().stream().filter(v -> matches(v, filters)).toList());
        int from = 0;
        if (marker != null) {
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).id().equals(marker)) {
                    from = i + 1;
                }
            }
        }
        return List.copyOf(all.subList(Math.min(from, all.size()), Math.min(all.size(), from + limit)));
    }

    private static boolean matches(Volume v, Map<String, String> filters) {
        String name = filters.get("name");
        if (name != null && !name.equals(v.name())) {
            return false;
        }
        String md = filters.get("metadata");
        if (md != null) {
            Matcher m = METADATA_FILTER.matcher(md);
            return m.matches() && m.group(2).equals(v.metadata().get(m.group(1)));
        }
        return true;
    }

    @Override
    public synchronized List<Volume> findVolumesByName(String name) {
        before("findVolumesByName");
        return sorted(volumes.values().stream().filter(v -> name.equals(v.name())).toList());
    }

    @Override
    public synchronized void extendVolume(String volumeId, int newSizeGib, boolean attached) {
        before("extendVolume");
        Volume v = existing(volumeId, "extend volume " + volumeId);
        if (!v.status().equals(attached ? "in-use" : "available")) {
            throw refused("extend volume " + volumeId, "Volume status must be "
                    + (attached ? "in-use" : "available") + ", but it is " + v.status());
        }
        nextStatus.put(volumeId, extendEndsIn != null ? extendEndsIn : v.status());
        if (extendEndsIn == null) {
            allocate(volumeId, newSizeGib);
        }
        with(v, "extending", extendEndsIn == null ? newSizeGib : v.sizeGib(), v.metadata());
        after("extendVolume");
    }

    @Override
    public synchronized void updateMetadata(String volumeId, Map<String, String> metadata) {
        before("updateMetadata");
        Volume v = existing(volumeId, "update metadata of volume " + volumeId);
        Map<String, String> md = new LinkedHashMap<>(v.metadata());
        md.putAll(metadata);
        with(v, v.status(), v.sizeGib(), md);
        after("updateMetadata");
    }

    @Override
    public synchronized void deleteMetadata(String volumeId, String key) {
        before("deleteMetadata");
        Volume v = existing(volumeId, "delete metadata of volume " + volumeId);
        Map<String, String> md = new LinkedHashMap<>(v.metadata());
        if (md.remove(key) == null) {
            throw StoreException.notFound("store 'fake': no metadata key " + key);
        }
        with(v, v.status(), v.sizeGib(), md);
        after("deleteMetadata");
    }

    @Override
    public synchronized void setReadOnly(String volumeId, boolean readOnly) {
        before("setReadOnly");
        existing(volumeId, "set the read-only flag of volume " + volumeId);
        after("setReadOnly");
    }

    @Override
    public synchronized void deleteVolume(String volumeId) {
        before("deleteVolume");
        Volume v = existing(volumeId, "delete volume " + volumeId);
        if (!attachmentsOf0(volumeId).isEmpty() || List.of("in-use", "creating", "extending").contains(v.status())) {
            throw refused("delete volume " + volumeId, "Volume status must be available or error, but it is "
                    + v.status());
        }
        remove(volumeId);
        after("deleteVolume");
    }

    private void remove(String volumeId) {
        volumes.remove(volumeId);
        attachments.values().removeIf(a -> a.volumeId().equals(volumeId));
        try {
            Files.deleteIfExists(file(volumeId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void forceDeleteVolume(String volumeId) {
        before("forceDeleteVolume");
        existing(volumeId, "force-delete volume " + volumeId);
        if (attachmentsOf0(volumeId).stream().anyMatch(a -> "attached".equals(a.status()))) {
            throw refused("force-delete volume " + volumeId, "Volume cannot be deleted while attached");
        }
        remove(volumeId);
        after("forceDeleteVolume");
    }

    @Override
    public synchronized Attachment createAttachment(String volumeId, Map<String, Object> connector, String mode) {
        before("createAttachment");
        Volume v = existing(volumeId, "attach volume " + volumeId);
        if (!"available".equals(v.status())) {
            throw refused("attach volume " + volumeId, "Invalid volume: Volume " + volumeId + " status must be "
                    + "available or downloading to reserve, but the current status is " + v.status());
        }
        Attachment a = new Attachment(UUID.randomUUID().toString(), volumeId, "reserved", mode,
                Map.of("driver_volume_type", "local", "device_path", file(volumeId).toString()));
        attachments.put(a.id(), a);
        with(v, "reserved", v.sizeGib(), v.metadata());
        after("createAttachment");
        return a;
    }

    @Override
    public synchronized void completeAttachment(String attachmentId) {
        before("completeAttachment");
        Attachment a = attachment(attachmentId, "complete attachment " + attachmentId);
        attachments.put(a.id(), new Attachment(a.id(), a.volumeId(), "attached", a.mode(), a.connectionInfo()));
        Volume v = volumes.get(a.volumeId());
        with(v, "in-use", v.sizeGib(), v.metadata());
        after("completeAttachment");
    }

    private Attachment attachment(String attachmentId, String call) {
        Attachment a = attachments.get(attachmentId);
        if (a == null) {
            throw StoreException.notFound("store 'fake': fake Cinder refused to " + call + ": HTTP 404");
        }
        return a;
    }

    @Override
    public synchronized void deleteAttachment(String attachmentId) {
        before("deleteAttachment");
        Attachment a = attachment(attachmentId, "delete attachment " + attachmentId);
        attachments.remove(attachmentId);
        Volume v = volumes.get(a.volumeId());
        if (v != null && attachmentsOf0(v.id()).isEmpty()) {
            with(v, "detaching", v.sizeGib(), v.metadata());
        }
        after("deleteAttachment");
    }

    @Override
    public synchronized List<Attachment> listAttachments(boolean allProjects) {
        before("listAttachments");
        return List.copyOf(attachments.values());
    }

    @Override
    public synchronized List<Attachment> attachmentsOf(String volumeId) {
        before("attachmentsOf");
        return attachmentsOf0(volumeId);
    }

    private List<Attachment> attachmentsOf0(String volumeId) {
        return attachments.values().stream().filter(a -> a.volumeId().equals(volumeId))
                .map(a -> new Attachment(a.id(), a.volumeId(), a.status(), a.mode(), Map.of())).toList();
    }

    @Override
    public void close() {
        // nothing to release
    }
}
