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
 * credentials when there is none or it expires within {@link #RENEW_BEFORE_MS}.
 */
final class ServiceToken {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceToken.class);
    private static final long RENEW_BEFORE_MS = 120_000;

    private final CinderStoreConfig cfg;
    private final Config config;
    private final Object lock = new Object();
    private volatile Token token;

    ServiceToken(CinderStoreConfig cfg, Config config) {
        this.cfg = cfg;
        this.config = config;
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
                CinderStoreConfig.ServiceCredentials c = cfg.credentials();
                OSClientV3 os = OSFactory.builderV3().withConfig(config).endpoint(c.authAddress())
                        .credentials(c.userName(), c.password(), Identifier.byName(c.userDomainName()))
                        .scopeToProject(Identifier.byName(c.projectName()), Identifier.byName(c.projectDomainName()))
                        .perspective(Facing.PUBLIC).authenticate();
                t = os.getToken();
                token = t;
                LOG.debug("store '{}': new Keystone token for {}", cfg.storeId(), c);
            }
            return t;
        }
    }

    /** A token renewed by a re-authentication during a call (after a 401). */
    void renewed(Token t) {
        token = t;
    }

    /** Forgets the token (the store closes). */
    void drop() {
        token = null;
    }

    /** Keystone answered 401 to the token request: the message names the URL and user, never the password. */
    StoreException rejected(AuthenticationException e) {
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
