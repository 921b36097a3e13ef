package org.stowage.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;

/**
 * The local Keystone + Cinder the cinder tests run against (started by the shared openstack
 * set-up script): addresses, the glance service user, the volume types. Tests that need it FAIL
 * (never skip) when it is down, saying how to start it.
 */
public final class LocalOpenStack {
    public static final String KEYSTONE = "http://127.0.0.1:5000/v3";
    /** Cinder's API, {@code host:port}. */
    public static final String CINDER = "127.0.0.1:8776";
    public static final String USER = "glance";
    public static final String PASSWORD = "glance";
    public static final String PROJECT = "service";
    /** The volume types: glance-fast is Cinder's default type here. */
    public static final String FAST = "glance-fast";
    public static final String SLOW = "glance-slow";
    /** Where the local connector mounts volumes. */
    public static final String MOUNT_POINT_BASE = "/var/lib/os-cinder-test/mnt";
    /** The glance user's credentials as shell variables (OS_AUTH_URL, OS_USERNAME, ...). */
    public static final Path OPENRC = Path.of("/var/lib/os-cinder-test/openrc-glance");
    public static final String START = "sudo /work/shared/openstack/start-cinder.sh";

    private LocalOpenStack() {
    }

    /** Fails with instructions when Keystone or Cinder is not listening. */
    public static void require() {
        for (int port : new int[] {5000, 8776}) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            } catch (IOException e) {
                fail("the local " + (port == 5000 ? "Keystone" : "Cinder") + " is not reachable on 127.0.0.1:"
                        + port + " (" + e.getMessage() + "): run `" + START + "` and re-run the tests");
            }
        }
    }
}
