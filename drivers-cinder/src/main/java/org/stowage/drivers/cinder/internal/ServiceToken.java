package org.stowage.drivers.cinder.internal;

import java.util.Date;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.api.exceptions.AuthenticationException;
import org.openstack4j.api.types.Facing;
import org.openstack4j.core.transport.Config;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.model.identity.v3.Token;
import org.openstack4j.openstack.OSFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.cinder.CinderOptions;
import org.stowage.drivers.cinder.CinderStoreConfig;
import org.stowage.spi.StoreException;

/**
 * The store's Keystone token, shared by all threads: asked for with the store's service
 * credentials when there is none or it expires within {@link #RENEW_BEFORE_MS}. With a
 * {@link TokenCache} ({@code cinder_token_cache} and a cache directory named by the host), a
 * token an earlier process got is taken from the cache first, and each new token is kept there.
 */
final class ServiceToken {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceToken.class);
    private static final long RENEW_BEFORE_MS = 120_000;

    private final CinderStoreConfig cfg;
    private final Config config;
    /** Where tokens are kept between processes; null: nowhere. */
    private final TokenCache cache;
    private final Object lock = new Object();
    private volatile Token token;

    ServiceToken(CinderStoreConfig cfg, Config config) {
        this.cfg = cfg;
        this.config = config;
        this.cache = cfg.tokenCacheDir().map(d -> new TokenCache(cfg.storeId(), d, cfg.credentials())).orElse(null);
    }

    /** A token that does not expire soon, authenticating if needed. */
    Token get() {
        Token t = token;
        if (t != null && !expiresSoon(t)) {
            return t;
        }
        synchronized (lock) {
            t = token;
            if (t == null || expiresSoon(t)) {
                t = cached();
            }
            if (t == null) {
                t = authenticate();
                if (cache != null) {
                    cache.store(t);
                }
            }
            token = t;
            return t;
        }
    }

    /** The token an earlier process kept, if it does not expire soon. */
    private Token cached() {
        if (cache == null) {
            return null;
        }
        Token t = cache.load().orElse(null);
        if (t == null || expiresSoon(t)) {
            return null;
        }
        LOG.debug("store '{}': reusing the cached Keystone token for {} (expires {})", cfg.storeId(), cfg.credentials(),
                t.getExpires().toInstant());
        return t;
    }

    /** A new token from Keystone (POST /v3/auth/tokens with the service credentials). */
    private Token authenticate() {
        CinderStoreConfig.ServiceCredentials c = cfg.credentials();
        OSClientV3 os = OSFactory.builderV3().withConfig(config).endpoint(c.authAddress())
                .credentials(c.userName(), c.password(), Identifier.byName(c.userDomainName()))
                .scopeToProject(Identifier.byName(c.projectName()), Identifier.byName(c.projectDomainName()))
                .perspective(Facing.PUBLIC).authenticate();
        LOG.debug("store '{}': new Keystone token for {}", cfg.storeId(), c);
        return os.getToken();
    }

    /**
     * A token renewed by a re-authentication during a call: Cinder answered 401 to the one in use
     * (revoked, or expired early), so the cached one is replaced by the new one.
     */
    void renewed(Token t) {
        token = t;
        if (cache != null) {
            LOG.debug("store '{}': Cinder refused the Keystone token (401); using and caching a new one", cfg.storeId());
            cache.store(t);
        }
    }

    /**
     * A call could not reach its server: the cached token is dropped (kept in memory), so a
     * catalog that names an endpoint that moved is not reused by the next command until the
     * token expires; the next command asks Keystone again.
     */
    void unreachable() {
        if (cache != null) {
            cache.drop();
        }
    }

    /** Forgets the token (the store closes). */
    void drop() {
        token = null;
    }

    /** Keystone answered 401 to the token request (the cached token is dropped): the message names the URL and user, never the password. */
    StoreException rejected(AuthenticationException e) {
        token = null;
        if (cache != null) {
            cache.drop();
        }
        CinderStoreConfig.ServiceCredentials c = cfg.credentials();
        return StoreException.badStoreConfiguration("store '" + cfg.storeId() + "': Keystone at " + c.authAddress()
                + " rejected the service credentials (user '" + c.userName() + "' in domain '" + c.userDomainName()
                + "', project '" + c.projectName() + "'): HTTP " + e.getStatus() + "; check "
                + CinderOptions.USER_NAME.name() + " and " + CinderOptions.PASSWORD.name(), e);
    }

    private static boolean expiresSoon(Token t) {
        Date exp = t.getExpires();
        return exp != null && exp.getTime() - System.currentTimeMillis() < RENEW_BEFORE_MS;
    }
}
