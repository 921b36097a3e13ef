package org.stowage.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The host version, from the {@code version.properties} the build writes. */
final class HostVersion {
    private HostVersion() {
    }

    static String read() {
        try (InputStream in = Stowage.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "0.0.0");
        } catch (IOException e) {
            return "0.0.0";
        }
    }
}
