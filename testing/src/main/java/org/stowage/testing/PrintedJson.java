package org.stowage.testing;

import com.typesafe.config.ConfigFactory;
import java.util.Map;

/** Reads the JSON a command printed (stowage's {@code --json} output) back into maps and lists. */
public final class PrintedJson {
    private PrintedJson() {
    }

    /** A JSON object printed by the CLI. */
    public static Map<String, Object> object(String text) {
        return ConfigFactory.parseString(text).root().unwrapped();
    }
}
