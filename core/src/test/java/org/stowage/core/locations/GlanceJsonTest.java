package org.stowage.core.locations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.spi.StoreException;
import org.stowage.testing.ReliabilityRecorder;

/** The meta_data JSON: written byte for byte as Python's json.dumps writes it, read without loss. */
class GlanceJsonTest {
    private static final String PYTHON_DUMPS = String.join("\n",
            "import json, sys",
            "for line in sys.stdin:",
            "    kind, _, arg = line.rstrip('\\n').partition(' ')",
            "    if kind == 'f':",
            "        v = float.fromhex(arg)",
            "    elif kind == 'i':",
            "        v = int(arg)",
            "    else:",
            "        v = ''.join(chr(int(c)) for c in arg.split(',') if c)",
            "    print(json.dumps([v, {'k': v}]))");

    /** Random doubles of every magnitude, integers and strings (any code point, lone surrogates too). */
    @Test
    void valuesAreWrittenExactlyAsPythonsJsonDumpsWritesThem(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs the system python3");
        Random random = new Random(20261201);
        List<Object> values = new ArrayList<>(List.of(0.0, -0.0, 1.0, 1.5, 1e16, 1e15, 9999999999999998.0, 1e-4, 1e-5,
                0.1, 1 / 3.0, 2e23, 5e-324, Double.MAX_VALUE, -123.456e-7, 100.0, 1234567890123456789.0,
                Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, "", "plain", "\"\\/\b\f\n\r\t\u0000\u001f\u007f\u0080\u00e9\uffff",
                "\ud83d\ude80", "\ud800", "x\udc00y"));
        for (int i = 0; i < 1000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            values.add(Double.isFinite(d) ? d : random.nextDouble());
            values.add(Math.round(random.nextGaussian() * Math.pow(10, random.nextInt(12))) / Math.pow(10, random.nextInt(8)));
            values.add(random.nextLong());
            values.add(random.ints(random.nextInt(6), 0, random.nextBoolean() ? 0x80 : 0x110000)
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
        }
        StringBuilder in = new StringBuilder();
        List<String> ours = new ArrayList<>();
        for (Object v : values) {
            if (v instanceof Double) {
                in.append("f ").append(Double.toHexString((Double) v));
            } else if (v instanceof Long) {
                in.append("i ").append(v);
            } else {
                in.append("s ").append(((String) v).codePoints().mapToObj(String::valueOf).collect(Collectors.joining(",")));
            }
            in.append('\n');
            ours.add(GlanceJson.dumps(List.of(v, Map.of("k", v))));
        }
        Path input = dir.resolve("in.txt");
        Files.writeString(input, in);
        Path output = dir.resolve("out.txt");
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", PYTHON_DUMPS).redirectInput(input.toFile())
                .redirectOutput(output.toFile()).redirectErrorStream(false).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        List<String> python = Files.readAllLines(output);
        assertThat(python).hasSameSizeAs(ours);
        for (int i = 0; i < ours.size(); i++) {
            assertThat(ours.get(i)).as("value #%s", i).isEqualTo(python.get(i));
        }
        ReliabilityRecorder.property("locations", "meta_data written as Python's json.dumps writes it",
                values.size());
    }

    @Test
    void readingKeepsKeyOrderAndTypesSoARewriteChangesOnlyWhatWasChanged() {
        String text = "{\"z\": 1, \"a\": [1.5, -0.0, 1e+16, null, true, false, {}], \"m\": {\"q\": \"caf\\u00e9\"}, \"big\": "
                + Long.MAX_VALUE + "}";
        assertThat(GlanceJson.dumps(JsonSupport.parseObject(text, "meta_data"))).isEqualTo(text);
    }

    @Test
    void whatCannotBeWrittenBackWithoutLossIsRefusedWithTheReason() {
        Map<String, String> cases = Map.of(
                "{\"a\": 1, \"a\": 2}", "duplicate key \"a\"",
                "{\"n\": 9223372036854775808}", "outside the 64-bit range",
                "{\"n\": -1e400}", "Python reads it as infinity",
                "{\"n\": Infinity}", "NaN and Infinity are not JSON",
                "{\"s\": \"a\u0001b\"}", "control character U+0001",
                "[1, 2]", "not a JSON object",
                "{\"a\": 1} x", "unexpected text after the JSON value",
                "{\"a\": \"\\x\"}", "invalid escape \\x");
        cases.forEach((text, reason) -> assertThat(catchThrowableOfType(() -> JsonSupport.parseObject(text, "meta_data of row 7"), StoreException.class).getMessage()).as(text).contains("meta_data of row 7").contains(reason));
    }

    @Test
    void deepNestingIsRefusedWithoutExhaustingTheStack() {
        int depth = 300_000;
        String deep = "{\"a\": " + "[".repeat(depth) + "]".repeat(depth) + "}";
        StoreException e = catchThrowableOfType(() -> JsonSupport.parseObject(deep, "meta_data"), StoreException.class);
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("nested deeper than " + GlanceJson.MAX_DEPTH + " levels");
        String justDeepEnough = "{\"a\": " + "[".repeat(GlanceJson.MAX_DEPTH - 1) + "]".repeat(GlanceJson.MAX_DEPTH - 1) + "}";
        assertThat(GlanceJson.dumps(JsonSupport.parseObject(justDeepEnough, "meta_data"))).isEqualTo(justDeepEnough);
    }
}
