package org.stowage.testing;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.util.List;
import java.util.Map;

/** Reads the JSON a command printed (stowage's {@code --json} output) back into maps and lists. */
public final class PrintedJson {
    private PrintedJson() {
    }

    /** A JSON object printed by the CLI. */
    public static Map<String, Object> object(String text) {
        return ConfigFactory.parseString(text).root().unwrapped();
    }

    /** A JSON array printed by the CLI, read strictly as JSON (a trailing comma or a bare word fails). */
    public static List<Object> array(String text) {
        return ConfigFactory.parseString("{\"array\": " + text + "}",
                ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON)).getList("array").unwrapped();
    }
}
