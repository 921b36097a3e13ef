package org.stowage.drivers.cinder;

import java.util.List;
import org.stowage.spi.Option;
import org.stowage.spi.OptionSpec;

/**
 * The options of a cinder store (glance_store's cinder options with their names, types and
 * defaults, plus Stowage's own, marked as such), each read with {@code settings.get(OPTION)}.
 */
public final class CinderOptions {
    /** The longest wait accepted, a day: far below where seconds would overflow as milliseconds or nanoseconds. */
    static final long MAX_TIMEOUT_SECONDS = 86_400;
    /** The most retries or attempts accepted: more would only stretch a failure that cannot heal. */
    static final long MAX_ATTEMPTS = 100;
    /** The system property naming the user's cache directory ({@code bin/stowage} sets it); unset: no token cache. */
    public static final String TOKEN_CACHE_DIR_PROPERTY = "stowage.cache.dir";

    public static final Option<String> CATALOG_INFO = Option.string("cinder_catalog_info")
            .defaultValue("volumev3::publicURL")
            .help("Where to find Cinder in the Keystone catalog of the store's token, as "
                    + "<service_type>:<service_name>:<interface>; the name may be empty; the interface is "
                    + "publicURL, internalURL or adminURL (public, internal, admin also accepted).").build();

    public static final Option<String> ENDPOINT_TEMPLATE = Option.string("cinder_endpoint_template")
            .help("Cinder endpoint to use instead of the catalog, e.g. http://cinder:8776/v3/%(project_id)s; "
                    + "%(tenant)s, %(project_id)s, %(project_name)s, %(user_id)s, %(user_name)s are filled "
                    + "from the store's token.").build();

    public static final Option<String> OS_REGION_NAME = Option.string("cinder_os_region_name")
            .deprecatedName("os_region_name")
            .help("Region of the Cinder endpoint in the catalog; unset takes the first matching endpoint.")
            .build();

    public static final Option<String> CA_CERTIFICATES_FILE = Option.string("cinder_ca_certificates_file")
            .help("PEM file of CA certificates trusted for TLS to Keystone and Cinder (instead of the JDK's).")
            .build();

    public static final Option<Long> HTTP_RETRIES = Option.integer("cinder_http_retries")
            .defaultValue("3").min(0).max(MAX_ATTEMPTS)
            .help("Retries of a Cinder or Keystone call that could not connect or got 503 (any 5xx for a "
                    + "call that may be sent twice); a volume or attachment create that got another 5xx is only "
                    + "sent again once the store found that it left nothing.").build();

    public static final Option<Long> REQUEST_TIMEOUT = Option.integer("cinder_request_timeout")
            .defaultValue("60").min(1).max(MAX_TIMEOUT_SECONDS)
            .help("Stowage: seconds one Cinder or Keystone call may take in all: connecting (at most 10 s "
                    + "of it), the response head and body, and every re-send and retry "
                    + "(cinder_http_retries) share this one deadline.").build();

    public static final Option<Long> STATE_TRANSITION_TIMEOUT = Option.integer("cinder_state_transition_timeout")
            .defaultValue("300").min(0).max(MAX_TIMEOUT_SECONDS)
            .help("Seconds to wait for a volume to leave a transitional state (creating, extending).")
            .build();

    public static final Option<Boolean> API_INSECURE = Option.bool("cinder_api_insecure")
            .defaultValue("False")
            .help("True turns TLS certificate and host name verification OFF for Keystone and Cinder.")
            .build();

    public static final Option<String> AUTH_ADDRESS = Option.string("cinder_store_auth_address")
            .help("Keystone v3 URL for the store's service credentials, e.g. http://keystone:5000/v3.").build();

    public static final Option<String> USER_NAME = Option.string("cinder_store_user_name")
            .help("Service user that owns the image-volumes.").build();

    public static final Option<String> USER_DOMAIN_NAME = Option.string("cinder_store_user_domain_name")
            .defaultValue("Default").help("Domain of the service user.").build();

    public static final Option<String> PASSWORD = Option.string("cinder_store_password")
            .secret().help("Password of the service user.").build();

    public static final Option<String> PROJECT_NAME = Option.string("cinder_store_project_name")
            .help("Project that owns the image-volumes.").build();

    public static final Option<String> PROJECT_DOMAIN_NAME = Option.string("cinder_store_project_domain_name")
            .defaultValue("Default").help("Domain of the project.").build();

    public static final Option<String> ROOTWRAP_CONFIG = Option.string("rootwrap_config")
            .defaultValue("/etc/glance/rootwrap.conf")
            .help("rootwrap configuration; privileged commands (mount, umount, chown of a device this user "
                    + "cannot access) run as 'sudo glance-rootwrap <file> ...' unless the process is root; "
                    + "empty: no root helper.").build();

    public static final Option<String> VOLUME_TYPE = Option.string("cinder_volume_type")
            .help("Cinder volume type of this store's image-volumes (unset: Cinder's default type); "
                    + "checked on the first add or delete and by health checks, and identifies the store for "
                    + "legacy cinder://<volume> locations.")
            .build();

    public static final Option<Boolean> ENFORCE_MULTIPATH = Option.bool("cinder_enforce_multipath")
            .defaultValue("False")
            .help("Passed to Cinder in the connector properties (enforce_multipath).").build();

    public static final Option<Boolean> USE_MULTIPATH = Option.bool("cinder_use_multipath")
            .defaultValue("False")
            .help("Passed to Cinder in the connector properties (multipath) and to the volume connector.")
            .build();

    public static final Option<String> MOUNT_POINT_BASE = Option.string("cinder_mount_point_base")
            .defaultValue("/var/lib/glance/mnt")
            .help("Where the nfs connector mounts a share that is not mounted yet (<base>/nfs/<sha256>).")
            .build();

    public static final Option<Boolean> DO_EXTEND_ATTACHED = Option.bool("cinder_do_extend_attached")
            .defaultValue("False")
            .help("Extend a growing volume while attached (Cinder microversion 3.42) when the volume "
                    + "connector supports it; otherwise detach, extend and re-attach.").build();

    public static final Option<Long> ATTACHMENT_RETRY_ATTEMPTS = Option.integer("cinder_attachment_retry_attempts")
            .defaultValue("5").min(1).max(MAX_ATTEMPTS)
            .help("Attempts of an attachment create that Cinder refuses with 400 because the volume is "
                    + "not yet available (waits 2, 4, 8, 10 s between attempts).").build();

    public static final Option<Long> EXTEND_GROWTH_PERCENT = Option.integer("cinder_extend_growth_percent")
            .defaultValue("25").min(0).max(1000)
            .help("Stowage: when an upload of unknown size fills its volume, grow the volume by this "
                    + "percentage of its size, at least 1 GiB; 0 grows by 1 GiB like glance_store.")
            .build();

    public static final Option<Boolean> TOKEN_CACHE = Option.bool("cinder_token_cache")
            .defaultValue("True")
            .help("Stowage: keep the store's Keystone token between commands in the user's cache directory "
                    + "(<cache>/tokens, private to the user, the token file 0600, never the password), so a "
                    + "command reuses it until 2 minutes before it expires instead of asking Keystone again; "
                    + "only where the host names a cache directory (the stowage command: "
                    + "${XDG_CACHE_HOME:-~/.cache}/stowage; an embedding application: the system property "
                    + TOKEN_CACHE_DIR_PROPERTY + "). False: no token is ever written.").build();

    private static final List<Option<?>> ALL = List.of(CATALOG_INFO, ENDPOINT_TEMPLATE, OS_REGION_NAME,
            CA_CERTIFICATES_FILE, HTTP_RETRIES, REQUEST_TIMEOUT, STATE_TRANSITION_TIMEOUT, API_INSECURE, AUTH_ADDRESS,
            USER_NAME, USER_DOMAIN_NAME, PASSWORD, PROJECT_NAME, PROJECT_DOMAIN_NAME, ROOTWRAP_CONFIG, VOLUME_TYPE,
            ENFORCE_MULTIPATH, USE_MULTIPATH, MOUNT_POINT_BASE, DO_EXTEND_ATTACHED, ATTACHMENT_RETRY_ATTEMPTS,
            EXTEND_GROWTH_PERCENT, TOKEN_CACHE);

    private CinderOptions() {
    }

    /** Every option, in documentation order (the untyped view, for documentation and samples). */
    public static List<OptionSpec> all() {
        return ALL.stream().<OptionSpec>map(Option::spec).toList();
    }
}
