package org.stowage.drivers.cinder;

import java.util.List;
import org.stowage.spi.OptionSpec;

/** The options of a cinder store (glance_store's cinder options with their names, types and defaults, plus Stowage's own, marked as such). */
public final class CinderOptions {
    public static final String CATALOG_INFO = "cinder_catalog_info";
    public static final String ENDPOINT_TEMPLATE = "cinder_endpoint_template";
    public static final String OS_REGION_NAME = "cinder_os_region_name";
    public static final String CA_CERTIFICATES_FILE = "cinder_ca_certificates_file";
    public static final String HTTP_RETRIES = "cinder_http_retries";
    public static final String REQUEST_TIMEOUT = "cinder_request_timeout";
    public static final String STATE_TRANSITION_TIMEOUT = "cinder_state_transition_timeout";
    public static final String API_INSECURE = "cinder_api_insecure";
    public static final String AUTH_ADDRESS = "cinder_store_auth_address";
    public static final String USER_NAME = "cinder_store_user_name";
    public static final String USER_DOMAIN_NAME = "cinder_store_user_domain_name";
    public static final String PASSWORD = "cinder_store_password";
    public static final String PROJECT_NAME = "cinder_store_project_name";
    public static final String PROJECT_DOMAIN_NAME = "cinder_store_project_domain_name";
    public static final String ROOTWRAP_CONFIG = "rootwrap_config";
    public static final String VOLUME_TYPE = "cinder_volume_type";
    public static final String ENFORCE_MULTIPATH = "cinder_enforce_multipath";
    public static final String USE_MULTIPATH = "cinder_use_multipath";
    public static final String MOUNT_POINT_BASE = "cinder_mount_point_base";
    public static final String DO_EXTEND_ATTACHED = "cinder_do_extend_attached";
    public static final String ATTACHMENT_RETRY_ATTEMPTS = "cinder_attachment_retry_attempts";
    public static final String EXTEND_GROWTH_PERCENT = "cinder_extend_growth_percent";

    /** The longest wait accepted, a day: far below where seconds would overflow as milliseconds or nanoseconds. */
    static final long MAX_TIMEOUT_SECONDS = 86_400;
    /** The most retries or attempts accepted: more would only stretch a failure that cannot heal. */
    static final long MAX_ATTEMPTS = 100;

    private static final List<OptionSpec> ALL = List.of(
            OptionSpec.string(CATALOG_INFO).defaultValue("volumev3::publicURL")
                    .help("Where to find Cinder in the Keystone catalog of the store's token, as "
                            + "<service_type>:<service_name>:<interface>; the name may be empty; the interface is "
                            + "publicURL, internalURL or adminURL (public, internal, admin also accepted).").build(),
            OptionSpec.string(ENDPOINT_TEMPLATE)
                    .help("Cinder endpoint to use instead of the catalog, e.g. http://cinder:8776/v3/%(project_id)s; "
                            + "%(tenant)s, %(project_id)s, %(project_name)s, %(user_id)s, %(user_name)s are filled "
                            + "from the store's token.").build(),
            OptionSpec.string(OS_REGION_NAME).deprecatedName("os_region_name")
                    .help("Region of the Cinder endpoint in the catalog; unset takes the first matching endpoint.")
                    .build(),
            OptionSpec.string(CA_CERTIFICATES_FILE)
                    .help("PEM file of CA certificates trusted for TLS to Keystone and Cinder (instead of the JDK's).")
                    .build(),
            OptionSpec.integer(HTTP_RETRIES).defaultValue("3").min(0).max(MAX_ATTEMPTS)
                    .help("Retries of a Cinder or Keystone call that could not connect or got 503; calls that may "
                            + "have reached Cinder (volume or attachment create) are only retried when the "
                            + "connection was refused.").build(),
            OptionSpec.integer(REQUEST_TIMEOUT).defaultValue("60").min(1).max(MAX_TIMEOUT_SECONDS)
                    .help("Stowage: seconds one Cinder or Keystone call may take in all: connecting (at most 10 s "
                            + "of it), the response head and body, and every re-send and retry "
                            + "(cinder_http_retries) share this one deadline.").build(),
            OptionSpec.integer(STATE_TRANSITION_TIMEOUT).defaultValue("300").min(0).max(MAX_TIMEOUT_SECONDS)
                    .help("Seconds to wait for a volume to leave a transitional state (creating, extending).")
                    .build(),
            OptionSpec.bool(API_INSECURE).defaultValue("False")
                    .help("True turns TLS certificate and host name verification OFF for Keystone and Cinder.")
                    .build(),
            OptionSpec.string(AUTH_ADDRESS)
                    .help("Keystone v3 URL for the store's service credentials, e.g. http://keystone:5000/v3.").build(),
            OptionSpec.string(USER_NAME).help("Service user that owns the image-volumes.").build(),
            OptionSpec.string(USER_DOMAIN_NAME).defaultValue("Default").help("Domain of the service user.").build(),
            OptionSpec.string(PASSWORD).secret().help("Password of the service user.").build(),
            OptionSpec.string(PROJECT_NAME).help("Project that owns the image-volumes.").build(),
            OptionSpec.string(PROJECT_DOMAIN_NAME).defaultValue("Default").help("Domain of the project.").build(),
            OptionSpec.string(ROOTWRAP_CONFIG).defaultValue("/etc/glance/rootwrap.conf")
                    .help("rootwrap configuration; privileged commands (mount, umount, chown of a device this user "
                            + "cannot access) run as 'sudo glance-rootwrap <file> ...' unless the process is root; "
                            + "empty: no root helper.").build(),
            OptionSpec.string(VOLUME_TYPE)
                    .help("Cinder volume type of this store's image-volumes (unset: Cinder's default type); "
                            + "checked on the first add or delete and by health checks, and identifies the store for "
                            + "legacy cinder://<volume> locations.")
                    .build(),
            OptionSpec.bool(ENFORCE_MULTIPATH).defaultValue("False")
                    .help("Passed to Cinder in the connector properties (enforce_multipath).").build(),
            OptionSpec.bool(USE_MULTIPATH).defaultValue("False")
                    .help("Passed to Cinder in the connector properties (multipath) and to the volume connector.")
                    .build(),
            OptionSpec.string(MOUNT_POINT_BASE).defaultValue("/var/lib/glance/mnt")
                    .help("Where the nfs connector mounts a share that is not mounted yet (<base>/nfs/<sha256>).")
                    .build(),
            OptionSpec.bool(DO_EXTEND_ATTACHED).defaultValue("False")
                    .help("Extend a growing volume while attached (Cinder microversion 3.42) when the volume "
                            + "connector supports it; otherwise detach, extend and re-attach.").build(),
            OptionSpec.integer(ATTACHMENT_RETRY_ATTEMPTS).defaultValue("5").min(1).max(MAX_ATTEMPTS)
                    .help("Attempts of an attachment create that Cinder refuses with 400 because the volume is "
                            + "not yet available (waits 2, 4, 8, 10 s between attempts).").build(),
            OptionSpec.integer(EXTEND_GROWTH_PERCENT).defaultValue("25").min(0).max(1000)
                    .help("Stowage: when an upload of unknown size fills its volume, grow the volume by this "
                            + "percentage of its size, at least 1 GiB; 0 grows by 1 GiB like glance_store.")
                    .build());

    private CinderOptions() {
    }

    /** Every option, in documentation order. */
    public static List<OptionSpec> all() {
        return ALL;
    }
}
