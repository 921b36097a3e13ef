package org.stowage.drivers.cinder.internal;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The driver's port to Cinder (and Keystone): only what the cinder store needs. One instance
 * per store, with that store's credentials, token, endpoint and TLS settings; safe for
 * concurrent use.
 *
 * <p>Failures are SPI exceptions: {@link ErrorKind#NOT_FOUND} for 404,
 * {@link ErrorKind#REMOTE_SERVICE_UNAVAILABLE} when Keystone or Cinder cannot be
 * reached (or answer 503) after the configured retries,
 * {@link ErrorKind#BAD_STORE_CONFIGURATION} when Keystone rejects the credentials
 * or the catalog has no matching endpoint, {@link ErrorKind#BACKEND} for any other refusal; an
 * HTTP status stays readable in the cause ({@link CinderHttpException#statusOf}).
 *
 * <p>The client is the one place that retries, by one policy ({@link RetryPolicy}): each call has
 * one deadline ({@code cinder_request_timeout}) and one count of retries ({@code cinder_http_retries}),
 * shared with the transport's re-sends. A create that may have been carried out although it failed
 * is sent again only once the caller's {@link AfterFailure} check proved that it left nothing.
 * Callers never send a failed call again on their own; they only wait for Cinder to change a
 * volume's state.
 */
public interface CinderClient extends AutoCloseable {
    /** Where this client talks to, for messages: the Cinder endpoint if known, else the Keystone URL. */
    String describe();

    /** The volume type called {@code name}, if it exists (and is visible to the store's project). */
    Optional<VolumeType> findVolumeType(String name);

    /** Cinder's default volume type ({@code GET /types/default}). */
    VolumeType defaultVolumeType();

    /**
     * Creates a volume. Never sent again blindly (that could create a second volume): after a
     * failure that does not prove that nothing was created, {@code check} looks for the volume;
     * the call returns the volume it finds, or is sent again if the failure was a 5xx and the
     * client's retries allow it.
     */
    Volume createVolume(String name, int sizeGib, String volumeType, Map<String, String> metadata,
            AfterFailure<Volume> check);

    /** Creates a volume; a create that may have been carried out although it failed is never sent again. */
    default Volume createVolume(String name, int sizeGib, String volumeType, Map<String, String> metadata) {
        return createVolume(name, sizeGib, volumeType, metadata, AfterFailure.none());
    }

    /** The volume with its raw status string, or empty on 404. */
    Optional<Volume> getVolume(String volumeId);

    /** The volumes of the store's project (all projects if {@code allProjects} and permitted). */
    List<Volume> listVolumes(boolean allProjects);

    /**
     * One page of {@code GET /volumes/detail} in the store's project, sorted by Cinder's default
     * (created_at desc, id desc): at most {@code limit} volumes after {@code marker} (null: from
     * the start), with the given query filters (e.g. {@code name}, {@code metadata}).
     */
    List<Volume> listVolumesPage(int limit, String marker, Map<String, String> filters);

    /** How many HTTP calls this client made (Keystone and Cinder, every attempt and re-send). */
    default long remoteCalls() {
        return 0;
    }

    /** How many of {@link #remoteCalls()} went to Keystone (token requests). */
    default long keystoneCalls() {
        return 0;
    }

    /** The volumes of the store's project called {@code name}. */
    List<Volume> findVolumesByName(String name);

    /** Extends a volume; {@code attached} uses microversion 3.42 (extend in-use). */
    void extendVolume(String volumeId, int newSizeGib, boolean attached);

    /** Sets (merges) volume metadata keys. */
    void updateMetadata(String volumeId, Map<String, String> metadata);

    /** Deletes one volume metadata key ({@code DELETE /volumes/{id}/metadata/{key}}). @throws StoreException of kind {@link ErrorKind#NOT_FOUND} on 404 */
    void deleteMetadata(String volumeId, String key);

    /** Sets the volume's read-only flag. */
    void setReadOnly(String volumeId, boolean readOnly);

    /** Deletes a volume. @throws StoreException of kind {@link ErrorKind#NOT_FOUND} on 404 */
    void deleteVolume(String volumeId);

    /** Force-deletes a volume (admin), for volumes stuck in a state a normal delete refuses. */
    void forceDeleteVolume(String volumeId);

    /**
     * Creates an attachment with a connector (microversion 3.54), returning its connection_info.
     * Sent again as {@link #createVolume(String, int, String, Map, AfterFailure) createVolume} is.
     */
    Attachment createAttachment(String volumeId, Map<String, Object> connector, String mode,
            AfterFailure<Attachment> check);

    /** Creates an attachment; one that may have been carried out although it failed is never sent again. */
    default Attachment createAttachment(String volumeId, Map<String, Object> connector, String mode) {
        return createAttachment(volumeId, connector, mode, AfterFailure.none());
    }

    /** Marks an attachment complete ({@code os-complete}, microversion 3.54): the volume goes in-use. */
    void completeAttachment(String attachmentId);

    /** Deletes an attachment (microversion 3.54). @throws StoreException of kind {@link ErrorKind#NOT_FOUND} on 404 */
    void deleteAttachment(String attachmentId);

    /** The attachments of the store's project (all projects if {@code allProjects} and permitted). */
    List<Attachment> listAttachments(boolean allProjects);

    /** The attachments of one volume. */
    List<Attachment> attachmentsOf(String volumeId);

    @Override
    void close();

    /**
     * What a create that failed left behind, as the caller finds out. The client asks after every
     * failure of the create that does not prove that nothing was done (any but a 4xx answer,
     * rejected credentials or a certificate that fails verification; a refused connection or a
     * 503 only once the retries are spent).
     */
    @FunctionalInterface
    interface AfterFailure<T> {
        /**
         * What the failed create made after all, which the call then returns; empty once it is
         * proven that the create left nothing (what it left removed), so that it may be sent again.
         *
         * @param failure what the create failed with
         * @throws StoreException when that cannot be known or what it made cannot be used: the call ends with it
         */
        Optional<T> leftBehind(StoreException failure);

        /** No check: a create that failed ends with its failure. */
        static <T> AfterFailure<T> none() {
            return failure -> {
                throw failure;
            };
        }
    }

    /** A volume as Cinder reports it; the status is Cinder's raw string. */
    record Volume(String id, String name, String status, int sizeGib, String volumeType,
            Map<String, String> metadata, boolean multiattach, boolean encrypted, String createdAt, String updatedAt) {
        /** A volume without timestamps. */
        public Volume(String id, String name, String status, int sizeGib, String volumeType,
                Map<String, String> metadata, boolean multiattach, boolean encrypted) {
            this(id, name, status, sizeGib, volumeType, metadata, multiattach, encrypted, null, null);
        }
    }

    /** A volume type. */
    record VolumeType(String id, String name) {
    }

    /** An attachment; {@code connectionInfo} is empty in listings. */
    record Attachment(String id, String volumeId, String status, String mode, Map<String, Object> connectionInfo) {
    }
}
