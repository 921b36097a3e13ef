package org.stowage.drivers.toolkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void parsesEveryKindOfValue() {
        Object v = Json.parse(" [{\"id\": \"a\", \"mountpoint\": \"/m\", \"n\": -12, \"x\": 1.5e2, \"t\": true,"
                + " \"f\": false, \"z\": null, \"s\": \"\\u00e9\\n\\\"\"}, []] ");
        assertThat(v).isInstanceOf(List.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) ((List<Object>) v).get(0);
        assertThat(m).containsKeys("id", "mountpoint", "z").containsEntry("id", "a").containsEntry("n", -12L)
                .containsEntry("x", 150.0).containsEntry("t", true).containsEntry("f", false)
                .containsEntry("s", "\u00e9\n\"");
        assertThat(m.get("z")).isNull();
        assertThat(m.keySet()).startsWith("id", "mountpoint");
    }

    @Test
    void rejectsWhatIsNotJsonWithThePosition() {
        assertThatThrownBy(() -> Json.parse("{\"a\": 1,}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parse("[1] x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unexpected text after the JSON value");
        assertThatThrownBy(() -> Json.parse("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unexpected end of input");
        assertThatThrownBy(() -> Json.parse("[".repeat(300))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nesting deeper than 200 levels");
    }
}
