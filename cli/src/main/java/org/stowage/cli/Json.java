package org.stowage.cli;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.util.Map;

/** Renders machine-readable output as JSON (through Typesafe Config's renderer: keys sorted, stable). */
final class Json {
    private Json() {
    }

    static String render(Map<String, ?> value) {
        return ConfigValueFactory.fromMap(value).render(ConfigRenderOptions.concise());
    }

    static String render(Iterable<?> value) {
        return ConfigValueFactory.fromIterable(value).render(ConfigRenderOptions.concise());
    }
}
