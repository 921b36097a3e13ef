package org.stowage.drivers.cinder.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.model.identity.v3.Token;
import org.openstack4j.openstack.identity.v3.domain.KeystoneAuth;
import org.openstack4j.openstack.identity.v3.domain.KeystoneAuth.AuthScope;
import org.openstack4j.openstack.identity.v3.domain.KeystoneToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.cinder.CinderStoreConfig.ServiceCredentials;

/**
 * A store's Keystone token kept between processes in {@code <cache>/tokens/<key>.json}, so a
 * command reuses the token an earlier one got instead of asking Keystone again.
 *
 * <p>The directory is the user's alone (0700, owned by this user, not a link) and each file is
 * 0600, written to a temporary file and renamed into place; where the directory cannot be made
 * private nothing is cached. A file that is not this user's, is readable by others, is not
 * complete JSON of this format, or is for other credentials is ignored (and replaced by the
 * next token). The file name is a SHA-256 of the auth URL, user, user domain, project and
 * project domain: never the password, which is not in the file either. The file holds what
 * openstack4j needs to rebuild the token: its id, expiry, scope, user and catalog.
 *
 * <p>The token id is a secret: it is never logged, in an error or in {@link #toString()}.
 */
final class TokenCache {
    private static final Logger LOG = LoggerFactory.getLogger(TokenCache.class);
    private static final String FORMAT = "stowage-keystone-token-1";
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    /** Absent fields are left out (a user's "password": null among them). */
    private static final ObjectMapper JSON = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private final String storeId;
    private final Path dir;
    private final ServiceCredentials credentials;
    private final Path file;

    /** The cache of {@code credentials}' token in {@code dir} (the {@code tokens} directory itself). */
    TokenCache(String storeId, Path dir, ServiceCredentials credentials) {
        this.storeId = storeId;
        this.dir = dir;
        this.credentials = credentials;
        this.file = dir.resolve(key(credentials) + ".json");
    }

    /** The file name's key: a SHA-256 of what identifies the token, without the password. */
    static String key(ServiceCredentials c) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(identity(c).toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    /** What the token is for, as kept in the file and hashed into its name. */
    private static ObjectNode identity(ServiceCredentials c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("auth_url", c.authAddress());
        n.put("user", c.userName());
        n.put("user_domain", c.userDomainName());
        n.put("project", c.projectName());
        n.put("project_domain", c.projectDomainName());
        return n;
    }

    /** The file of this store's token (tests). */
    Path file() {
        return file;
    }

    /**
     * The cached token if there is a usable one (the caller checks its expiry), rebuilt with the
     * store's credentials so a 401 can re-authenticate; empty when there is none or it is unusable.
     */
    Optional<Token> load() {
        try {
            if (!privateDirectory(false) || !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || !ownedPrivately(file)) {
                LOG.debug("store '{}': ignoring the cached Keystone token {}: not a regular file private to this user",
                        storeId, file);
                return Optional.empty();
            }
            return parse(Files.readAllBytes(file));
        } catch (IOException | RuntimeException e) {
            LOG.debug("store '{}': ignoring the cached Keystone token {}: {}", storeId, file, e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private Optional<Token> parse(byte[] bytes) throws IOException {
        JsonNode n = JSON.readTree(bytes);
        if (n == null || !FORMAT.equals(n.path("format").asText()) || !identity(credentials).equals(n.get("for"))
                || !n.path("id").isTextual() || n.path("id").asText().isEmpty() || !n.path("token").isObject()) {
            LOG.debug("store '{}': ignoring the cached Keystone token {}: not a token of this format and these "
                    + "credentials", storeId, file);
            return Optional.empty();
        }
        KeystoneToken t = JSON.treeToValue(n.get("token"), KeystoneToken.class);
        if (t.getExpires() == null) {
            return Optional.empty();
        }
        t.setId(n.get("id").asText());
        ServiceCredentials c = credentials;
        KeystoneAuth auth = new KeystoneAuth(c.userName(), c.password(), Identifier.byName(c.userDomainName()),
                AuthScope.project(Identifier.byName(c.projectName()), Identifier.byName(c.projectDomainName())));
        return Optional.of(t.applyContext(c.authAddress(), auth));
    }

    /** Keeps {@code t} for later processes; a failure only means it is not kept. */
    void store(Token t) {
        if (t == null || t.getId() == null || t.getExpires() == null) {
            return;
        }
        Path tmp = null;
        try {
            if (!privateDirectory(true)) {
                return;
            }
            ObjectNode n = JSON.createObjectNode();
            n.put("format", FORMAT);
            n.set("for", identity(credentials));
            n.put("id", t.getId());
            n.set("token", tokenFields(t));
            tmp = Files.createTempFile(dir, ".token-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, JSON.writeValueAsBytes(n));
            move(tmp, file);
            tmp = null;
        } catch (IOException | RuntimeException e) {
            LOG.debug("store '{}': cannot keep the Keystone token in {}: {}", storeId, dir, e.getClass().getSimpleName());
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** Forgets the cached token (Keystone refused it or the credentials). */
    void drop() {
        try {
            if (privateDirectory(false)) {
                Files.deleteIfExists(file);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("store '{}': cannot remove the cached Keystone token {}: {}", storeId, file,
                    e.getClass().getSimpleName());
        }
    }

    /** The token's fields in its Keystone JSON form, named one by one: never the credentials openstack4j attaches. */
    private static ObjectNode tokenFields(Token t) {
        ObjectNode out = JSON.createObjectNode();
        put(out, "expires_at", t.getExpires());
        put(out, "issued_at", t.getIssuedAt());
        put(out, "audit_ids", t.getAuditIds());
        put(out, "methods", t.getMethods());
        put(out, "roles", t.getRoles());
        put(out, "project", t.getProject());
        put(out, "domain", t.getDomain());
        put(out, "user", t.getUser());
        put(out, "catalog", t.getCatalog());
        return out;
    }

    private static void put(ObjectNode n, String field, Object value) {
        if (value != null) {
            n.set(field, JSON.valueToTree(value));
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // a temporary file left behind holds nothing usable without its rename
            }
        }
    }

    /**
     * True if the directory is (or, with {@code create}, was made) a directory of this user that
     * no one else can enter: 0700 (a looser one of this user's is tightened), not a link.
     */
    private boolean privateDirectory(boolean create) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (!create) {
                return false;
            }
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || !ownedByMe(dir)) {
            LOG.debug("store '{}': not caching Keystone tokens: {} is not a directory of this user", storeId, dir);
            return false;
        }
        if (!ownedPrivately(dir)) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        return ownedPrivately(dir);
    }

    /** True if {@code p} is this user's and gives no permission to anyone else. */
    private static boolean ownedPrivately(Path p) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        return ownedByMe(p) && perms.stream().noneMatch(OTHERS::contains);
    }

    private static boolean ownedByMe(Path p) throws IOException {
        long uid = Uid.current();
        return uid >= 0 && ((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue() == uid;
    }

    @Override
    public String toString() {
        return "TokenCache[" + file + "]";
    }
}
