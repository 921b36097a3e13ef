package org.stowage.drivers.cinder;

import java.io.IOException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.stowage.testing.LocalOpenStack;

/**
 * The set-up of the tests that inject faults between a store and the real local Cinder, as a
 * JUnit 5 extension: register it on a static field,
 * {@code @RegisterExtension static final LocalCinderProxy proxy = new LocalCinderProxy();},
 * and use it as the {@link FaultProxy} it is. Before the class's tests it checks that the local
 * Keystone + Cinder run and starts the proxy in front of Cinder; after each test it drops the
 * test's rules and hooks; after the class (after the class's own {@code @AfterAll}, which closes
 * its drivers) it stops the proxy, then asserts that no volume or attachment of an image the
 * tests made is left, removing any that is, so one failure does not poison later runs.
 */
final class LocalCinderProxy extends FaultProxy implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    LocalCinderProxy() {
        super("http://" + LocalOpenStack.CINDER);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        LocalCinder.require();
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        clearRules();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            close();
        } finally {
            LocalCinder.assertNoLeaks();
        }
    }
}
