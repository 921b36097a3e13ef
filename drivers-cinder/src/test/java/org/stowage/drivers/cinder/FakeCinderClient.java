package org.stowage.drivers.cinder;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.drivers.cinder.ScriptedCalls.Failure;
import org.stowage.drivers.cinder.internal.CinderHttpException;
import org.stowage.drivers.cinder.internal.RetryPolicy;
import org.stowage.spi.StoreException;

/**
 * An in-memory Cinder behind the {@link CinderClient} port, for unit tests of the writer,
 * attachments and janitor: volumes with statuses and metadata, attachments, extend, and the
 * state changes a real Cinder makes (creating → available, extending → available or in-use,
 * reserved → in-use → available). A volume's data is a file of {@code bytesPerGib} bytes per
 * GiB of its size (small, so a test fills a volume with a few KiB), handed out as a
 * {@code local} connection ({@code device_path}).
 *
 * <p>Failures are scripted per call: {@link #fail} throws HTTP errors or timeouts, before or after
 * doing the call's work (an answer lost on the way back), for the next N calls or every call.
 * The creates (volume, attachment) run under the real client's {@link RetryPolicy}, with
 * {@value #RETRIES} retries, so their failures are what Cinder answers each attempt and the
 * policy decides whether to send them again; every other call's failure is what the real client
 * reports once its retries are spent.
 */
final class FakeCinderClient implements CinderClient {
    /** Cinder's default volume type here. */
    static final String DEFAULT_TYPE = "glance-fast";
    /** The retries of a create: cinder_http_retries' default. */
    static final int RETRIES = 3;
    private static final Pattern METADATA_FILTER = Pattern.compile("\\{\"([^\"]+)\": \"([^\"]*)\"}");

    private final FakeVolumeFiles files;
    private final Map<String, Volume> volumes = new LinkedHashMap<>();
    private final Map<String, Attachment> attachments = new LinkedHashMap<>();
    private final ScriptedCalls script = new ScriptedCalls();
    /** Statuses a volume goes to at its next status read, instead of the usual one. */
    private final Map<String, String> nextStatus = new HashMap<>();
    private final AtomicLong clock = new AtomicLong();
    private volatile boolean holdCreating;
    private volatile String extendEndsIn;

    FakeCinderClient(Path dir, long bytesPerGib) {
        this.files = new FakeVolumeFiles(dir, bytesPerGib);
    }

    /** The next {@code times} calls of {@code call} (e.g. {@code "deleteAttachment"}) fail; -1: every call. */
    FakeCinderClient fail(String call, Failure failure, int times) {
        script.fail(call, failure, times);
        return this;
    }

    /** Drops every scripted failure. */
    void heal() {
        script.heal();
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
        return script.count(call);
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
        files.allocate(v.id(), 1);
        return v;
    }

    /** Now, as Cinder writes it (UTC without a zone); never before the time before. */
    private String now() {
        long ms = clock.updateAndGet(last -> Math.max(last, System.currentTimeMillis()));
        return Instant.ofEpochMilli(ms).toString().replace("Z", "");
    }

    private void before(String call) {
        script.before(call);
    }

    private void after(String call) {
        script.after(call);
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
    public Volume createVolume(String name, int sizeGib, String volumeType, Map<String, String> metadata,
            AfterFailure<Volume> check) {
        return RetryPolicy.call("fake", "create volume " + name, Duration.ofSeconds(60), RETRIES, false, check,
                () -> createVolumeOnce(name, sizeGib, volumeType, metadata));
    }

    private synchronized Volume createVolumeOnce(String name, int sizeGib, String volumeType,
            Map<String, String> metadata) {
        before("createVolume");
        String type = volumeType == null ? DEFAULT_TYPE : volumeType;
        Volume v = new Volume(UUID.randomUUID().toString(), name, "creating", sizeGib, type, Map.copyOf(metadata),
                false, false, now(), now());
        volumes.put(v.id(), v);
        files.allocate(v.id(), sizeGib);
        after("createVolume");
        return v;
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
            files.allocate(volumeId, newSizeGib);
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
        files.delete(volumeId);
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
    public Attachment createAttachment(String volumeId, Map<String, Object> connector, String mode,
            AfterFailure<Attachment> check) {
        return RetryPolicy.call("fake", "attach volume " + volumeId, Duration.ofSeconds(60), RETRIES, false, check,
                () -> createAttachmentOnce(volumeId, mode));
    }

    private synchronized Attachment createAttachmentOnce(String volumeId, String mode) {
        before("createAttachment");
        Volume v = existing(volumeId, "attach volume " + volumeId);
        if (!"available".equals(v.status())) {
            throw refused("attach volume " + volumeId, "Invalid volume: Volume " + volumeId + " status must be "
                    + "available or downloading to reserve, but the current status is " + v.status());
        }
        Attachment a = new Attachment(UUID.randomUUID().toString(), volumeId, "reserved", mode,
                Map.of("driver_volume_type", "local", "device_path", files.path(volumeId).toString()));
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
