package org.stowage.drivers.cinder;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.stowage.drivers.cinder.CinderOptions.*;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.stowage.spi.StoreSettings;

/**
 * The immutable, typed configuration of one cinder store, built from its {@link StoreSettings}.
 * Every error names the store, the option, the value (masked if secret), where it was set and
 * what was expected. {@link #toString()} never shows the password.
 */
public final class CinderStoreConfig {
    /** Keys {@code cinder_endpoint_template} may use, filled from the store's token. */
    public static final Set<String> TEMPLATE_KEYS =
            Set.of("tenant", "project_id", "project_name", "user_id", "user_name", "project_domain_id");
    private static final Pattern TEMPLATE_KEY = Pattern.compile("%\\(([^)]*)\\)s");

    private final String storeId;
    private final boolean multiStore;
    private final CatalogInfo catalogInfo;
    private final String endpointTemplate;
    private final String region;
    private final Path caCertificatesFile;
    private final boolean apiInsecure;
    private final int httpRetries;
    private final Duration stateTransitionTimeout;
    private final Duration requestTimeout;
    private final ServiceCredentials credentials;
    private final String rootwrapConfig;
    private final String volumeType;
    private final boolean enforceMultipath;
    private final boolean useMultipath;
    private final Path mountPointBase;
    private final boolean doExtendAttached;
    private final int attachmentRetryAttempts;
    private final int extendGrowthPercent;
    private final Path tokenCacheDir;

    private CinderStoreConfig(Builder b) {
        storeId = b.storeId;
        multiStore = b.multiStore;
        catalogInfo = b.catalogInfo;
        endpointTemplate = b.endpointTemplate;
        region = b.region;
        caCertificatesFile = b.caCertificatesFile;
        apiInsecure = b.apiInsecure;
        httpRetries = b.httpRetries;
        stateTransitionTimeout = b.stateTransitionTimeout;
        requestTimeout = b.requestTimeout;
        credentials = b.credentials;
        rootwrapConfig = b.rootwrapConfig;
        volumeType = b.volumeType;
        enforceMultipath = b.enforceMultipath;
        useMultipath = b.useMultipath;
        mountPointBase = b.mountPointBase;
        doExtendAttached = b.doExtendAttached;
        attachmentRetryAttempts = b.attachmentRetryAttempts;
        extendGrowthPercent = b.extendGrowthPercent;
        tokenCacheDir = b.tokenCacheDir;
    }

    /**
     * Reads and checks the settings of one store.
     *
     * @throws StoreException of kind {@link ErrorKind#BAD_STORE_CONFIGURATION} naming the store, option, value, origin and expectation
     */
    public static CinderStoreConfig from(StoreSettings s, boolean multiStore) {
        Builder b = new Builder();
        b.storeId = s.storeId();
        b.multiStore = multiStore;
        String catalog = s.get(CATALOG_INFO);
        try {
            b.catalogInfo = CatalogInfo.parse(catalog == null ? "" : catalog);
        } catch (IllegalArgumentException e) {
            throw s.error(CATALOG_INFO.name(), catalog, e.getMessage());
        }
        b.endpointTemplate = s.get(ENDPOINT_TEMPLATE);
        if (b.endpointTemplate != null) {
            checkTemplate(s, b.endpointTemplate);
        }
        b.region = s.get(OS_REGION_NAME);
        String ca = s.get(CA_CERTIFICATES_FILE);
        if (ca != null) {
            Path p = Path.of(ca);
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                throw s.error(CA_CERTIFICATES_FILE.name(), ca, "a readable PEM file of CA certificates");
            }
            b.caCertificatesFile = p;
        }
        b.apiInsecure = s.get(API_INSECURE);
        b.httpRetries = (int) Math.min(Integer.MAX_VALUE, s.get(HTTP_RETRIES));
        b.stateTransitionTimeout = Duration.ofSeconds(s.get(STATE_TRANSITION_TIMEOUT));
        b.requestTimeout = Duration.ofSeconds(s.get(REQUEST_TIMEOUT));
        b.rootwrapConfig = s.get(ROOTWRAP_CONFIG);
        b.volumeType = s.get(VOLUME_TYPE);
        b.enforceMultipath = s.get(ENFORCE_MULTIPATH);
        b.useMultipath = s.get(USE_MULTIPATH);
        String base = s.get(MOUNT_POINT_BASE);
        if (base == null || !base.startsWith("/")) {
            throw s.error(MOUNT_POINT_BASE.name(), base, "an absolute directory path");
        }
        b.mountPointBase = Path.of(base);
        b.doExtendAttached = s.get(DO_EXTEND_ATTACHED);
        b.attachmentRetryAttempts = (int) Math.min(100, s.get(ATTACHMENT_RETRY_ATTEMPTS));
        b.extendGrowthPercent = s.get(EXTEND_GROWTH_PERCENT).intValue();
        b.credentials = credentials(s, b.volumeType);
        b.tokenCacheDir = s.get(TOKEN_CACHE) ? tokenCacheDir(System.getProperty(TOKEN_CACHE_DIR_PROPERTY)) : null;
        return new CinderStoreConfig(b);
    }

    /** {@code <cache>/tokens} of the cache directory the host named, if it named an absolute one. */
    static Path tokenCacheDir(String cache) {
        if (cache == null || cache.isBlank()) {
            return null;
        }
        try {
            Path p = Path.of(cache);
            return p.isAbsolute() ? p.resolve("tokens") : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private static void checkTemplate(StoreSettings s, String template) {
        Matcher m = TEMPLATE_KEY.matcher(template);
        while (m.find()) {
            if (!TEMPLATE_KEYS.contains(m.group(1))) {
                throw s.error(ENDPOINT_TEMPLATE.name(), template, "an http(s) URL whose %(key)s placeholders are among "
                        + new TreeSet<>(TEMPLATE_KEYS) + ", but it uses %(" + m.group(1) + ")s");
            }
        }
        String probe = TEMPLATE_KEY.matcher(template).replaceAll("x");
        if (!isHttpUrl(probe)) {
            throw s.error(ENDPOINT_TEMPLATE.name(), template, "an http:// or https:// URL");
        }
    }

    private static boolean isHttpUrl(String v) {
        try {
            URI u = new URI(v);
            return ("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))
                    && u.getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }

    private static ServiceCredentials credentials(StoreSettings s, String volumeType) {
        String auth = s.get(AUTH_ADDRESS);
        String user = s.get(USER_NAME);
        String password = s.get(PASSWORD);
        String project = s.get(PROJECT_NAME);
        List<String> missing = new ArrayList<>();
        if (auth == null) {
            missing.add(AUTH_ADDRESS.name());
        }
        if (user == null) {
            missing.add(USER_NAME.name());
        }
        if (password == null) {
            missing.add(PASSWORD.name());
        }
        if (project == null) {
            missing.add(PROJECT_NAME.name());
        }
        if (missing.size() == 4) {
            if (volumeType != null) {
                throw s.error(VOLUME_TYPE.name(), volumeType, "service credentials to check and use the volume type: set "
                        + String.join(", ", List.of(AUTH_ADDRESS.name(), USER_NAME.name(), PASSWORD.name(), PROJECT_NAME.name()))
                        + " in the store's section (glance_store would crash at start here)");
            }
            throw StoreException.badStoreConfiguration("store '" + s.storeId() + "': the cinder store needs service "
                    + "credentials (" + String.join(", ", List.of(AUTH_ADDRESS.name(), USER_NAME.name(), PASSWORD.name(), PROJECT_NAME.name()))
                    + "): Stowage has no per-request user token to reach Cinder with");
        }
        if (!missing.isEmpty()) {
            String present = (auth != null ? AUTH_ADDRESS : user != null ? USER_NAME : PROJECT_NAME).name();
            throw StoreException.badStoreConfiguration("store '" + s.storeId() + "': incomplete service credentials: "
                    + present + " is set (" + s.origin(present) + ") but " + String.join(", ", missing)
                    + (missing.size() == 1 ? " is" : " are") + " not; set all of " + AUTH_ADDRESS.name() + ", "
                    + USER_NAME.name() + ", " + PASSWORD.name() + ", " + PROJECT_NAME.name());
        }
        if (!isHttpUrl(auth)) {
            throw s.error(AUTH_ADDRESS.name(), auth, "an http:// or https:// Keystone v3 URL");
        }
        return new ServiceCredentials(auth, user, s.get(USER_DOMAIN_NAME), password, project,
                s.get(PROJECT_DOMAIN_NAME));
    }

    public String storeId() {
        return storeId;
    }

    public boolean multiStore() {
        return multiStore;
    }

    public CatalogInfo catalogInfo() {
        return catalogInfo;
    }

    public Optional<String> endpointTemplate() {
        return Optional.ofNullable(endpointTemplate);
    }

    public Optional<String> region() {
        return Optional.ofNullable(region);
    }

    public Optional<Path> caCertificatesFile() {
        return Optional.ofNullable(caCertificatesFile);
    }

    public boolean apiInsecure() {
        return apiInsecure;
    }

    public int httpRetries() {
        return httpRetries;
    }

    public Duration stateTransitionTimeout() {
        return stateTransitionTimeout;
    }

    /** The deadline of one Cinder or Keystone call, its retries included ({@code cinder_request_timeout}). */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    public ServiceCredentials credentials() {
        return credentials;
    }

    public String rootwrapConfig() {
        return rootwrapConfig;
    }

    public Optional<String> volumeType() {
        return Optional.ofNullable(volumeType);
    }

    public boolean enforceMultipath() {
        return enforceMultipath;
    }

    public boolean useMultipath() {
        return useMultipath;
    }

    public Path mountPointBase() {
        return mountPointBase;
    }

    public boolean doExtendAttached() {
        return doExtendAttached;
    }

    public int attachmentRetryAttempts() {
        return attachmentRetryAttempts;
    }

    public int extendGrowthPercent() {
        return extendGrowthPercent;
    }

    /**
     * Where the store keeps its Keystone token between processes ({@code <cache>/tokens}): set
     * when {@code cinder_token_cache} is on and the host named a cache directory.
     */
    public Optional<Path> tokenCacheDir() {
        return Optional.ofNullable(tokenCacheDir);
    }

    /** A copy that keeps its token in {@code dir} (null: nowhere). */
    public CinderStoreConfig withTokenCacheDir(Path dir) {
        Builder b = toBuilder();
        b.tokenCacheDir = dir;
        return new CinderStoreConfig(b);
    }

    /** A copy with another state transition timeout (tests). */
    public CinderStoreConfig withStateTransitionTimeout(Duration timeout) {
        Builder b = toBuilder();
        b.stateTransitionTimeout = timeout;
        return new CinderStoreConfig(b);
    }

    private Builder toBuilder() {
        Builder b = new Builder();
        b.storeId = storeId;
        b.multiStore = multiStore;
        b.catalogInfo = catalogInfo;
        b.endpointTemplate = endpointTemplate;
        b.region = region;
        b.caCertificatesFile = caCertificatesFile;
        b.apiInsecure = apiInsecure;
        b.httpRetries = httpRetries;
        b.stateTransitionTimeout = stateTransitionTimeout;
        b.requestTimeout = requestTimeout;
        b.credentials = credentials;
        b.rootwrapConfig = rootwrapConfig;
        b.volumeType = volumeType;
        b.enforceMultipath = enforceMultipath;
        b.useMultipath = useMultipath;
        b.mountPointBase = mountPointBase;
        b.doExtendAttached = doExtendAttached;
        b.attachmentRetryAttempts = attachmentRetryAttempts;
        b.extendGrowthPercent = extendGrowthPercent;
        b.tokenCacheDir = tokenCacheDir;
        return b;
    }

    @Override
    public String toString() {
        return "CinderStoreConfig[store=" + storeId + ", catalog=" + catalogInfo + ", endpointTemplate="
                + endpointTemplate + ", region=" + region + ", volumeType=" + volumeType + ", credentials="
                + credentials + ", insecure=" + apiInsecure + ", ca=" + caCertificatesFile + "]";
    }

    /** The store's Keystone v3 service credentials; {@link #toString()} masks the password. */
    public static final class ServiceCredentials {
        private final String authAddress;
        private final String userName;
        private final String userDomainName;
        private final String password;
        private final String projectName;
        private final String projectDomainName;

        ServiceCredentials(String authAddress, String userName, String userDomainName, String password,
                String projectName, String projectDomainName) {
            this.authAddress = authAddress;
            this.userName = userName;
            this.userDomainName = userDomainName == null ? "Default" : userDomainName;
            this.password = password;
            this.projectName = projectName;
            this.projectDomainName = projectDomainName == null ? "Default" : projectDomainName;
        }

        public String authAddress() {
            return authAddress;
        }

        public String userName() {
            return userName;
        }

        public String userDomainName() {
            return userDomainName;
        }

        /** The password: pass it to the auth call only, never log it. */
        public String password() {
            return password;
        }

        public String projectName() {
            return projectName;
        }

        public String projectDomainName() {
            return projectDomainName;
        }

        @Override
        public String toString() {
            return userName + "@" + userDomainName + "/" + projectName + "@" + projectDomainName + " via "
                    + authAddress + " (password ****)";
        }
    }

    private static final class Builder {
        String storeId;
        boolean multiStore;
        CatalogInfo catalogInfo;
        String endpointTemplate;
        String region;
        Path caCertificatesFile;
        boolean apiInsecure;
        int httpRetries;
        Duration stateTransitionTimeout;
        Duration requestTimeout;
        ServiceCredentials credentials;
        String rootwrapConfig;
        String volumeType;
        boolean enforceMultipath;
        boolean useMultipath;
        Path mountPointBase;
        boolean doExtendAttached;
        int attachmentRetryAttempts;
        int extendGrowthPercent;
        Path tokenCacheDir;
    }
}
