package org.stowage.drivers.toolkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
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
        assertThatThrownBy(() -> Json.parse("{\"a\": 1,}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected a string key at line 1, column 9 (offset 8)");
        assertThatThrownBy(() -> Json.parse("[1] x")).isInstanceOf(Json.InvalidJsonException.class)
                .hasMessageContaining("unexpected text after the JSON value");
        assertThatThrownBy(() -> Json.parse("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unexpected end of the text");
        assertThatThrownBy(() -> Json.parse("[{\"id\": \"x\"\n  \"b\": 1}]"))
                .hasMessage("expected ',' or '}' but found '\"' at line 2, column 3 (offset 14)");
        assertThatThrownBy(() -> Json.parse("[1, 2")).hasMessage("expected ',' or ']' at line 1, column 6 (offset 5), "
                + "where the text ends");
        assertThatThrownBy(() -> Json.parse("[".repeat(300))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested deeper than " + Json.MAX_DEPTH + " levels");
    }

    /** What would be read with a loss (a value dropped, rounded or turned into infinity) is refused. */
    @Test
    void refusesWhatCannotBeReadWithoutLoss() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{\"id\": \"a\", \"id\": \"b\"}", "duplicate key \"id\" at line 1, column 22");
        cases.put("[9223372036854775808]", "integer 9223372036854775808 is outside the 64-bit range at line 1, column 2");
        cases.put("[-1e400]", "number -1e400 is too large for a double");
        cases.put("[NaN]", "NaN and Infinity are not JSON");
        cases.put("[\"a\tb\"]", "control character U+0009 in a string");
        cases.put("[\"\\x\"]", "invalid escape \\x");
        cases.forEach((text, reason) -> assertThatThrownBy(() -> Json.parse(text)).as(text)
                .isInstanceOf(Json.InvalidJsonException.class).hasMessageContaining(reason));
        assertThat(Json.parse("[9223372036854775807, -9223372036854775808, 1e308]"))
                .isEqualTo(List.of(Long.MAX_VALUE, Long.MIN_VALUE, 1e308));
    }

    @Test
    void deepNestingIsRefusedWithoutExhaustingTheStack() {
        int depth = 300_000;
        assertThatThrownBy(() -> Json.parse("[".repeat(depth) + "]".repeat(depth)))
                .hasMessageContaining("nested deeper than " + Json.MAX_DEPTH + " levels");
        assertThat(Json.parse("[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH))).isInstanceOf(List.class);
    }
}
