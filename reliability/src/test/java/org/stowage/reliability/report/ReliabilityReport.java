package org.stowage.reliability.report;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Produces {@code docs/reliability.md} from what the tests recorded, and fails the build when
 * the evidence is not there.
 *
 * <p>Inputs: every module's {@code target/reliability/records.jsonl} (written through
 * {@code org.stowage.testing.ReliabilityRecorder}) and
 * {@code target/reliability/secrets.txt} (the secrets the tests used). Records are de-duplicated by
 * their key (a re-run without {@code clean} appends again; the last record of a key wins).
 *
 * <p>The secret scan looks, in every module's {@code target/surefire-reports/**},
 * {@code target/failsafe-reports/**}, {@code target/**}{@code /*.log} and
 * {@code target/reliability/records.jsonl}, JVM crash logs ({@code hs_err_pid*.log}) in the root's and
 * every module's directory (and any build log named with
 * {@code -Dstowage.reliability.buildLog=FILE[,FILE]}), for every registered secret and the
 * well-known test secrets below, in plain and URL-encoded form. A hit names the file and line and
 * the secret's sha256 prefix, never the secret. Not scanned: {@link #NOT_SCANNED} (the local
 * Keystone's password is the word "glance", which is everywhere legitimately: the Keystone tokens
 * obtained with it are scanned instead) and registered secrets shorter than
 * {@value #MIN_SECRET_LENGTH} characters (they match ordinary text).
 *
 * <p>Failing conditions: a fault row whose final leftovers are not empty (those after gc where the
 * test ran gc, else those right after the test), and any secret hit, always; fewer than
 * {@value #MIN_FAULT_KINDS} fault kinds or {@value #MIN_BAD_INPUT} bad-input cases only on a
 * full run. A run is full when Maven was started without {@code -pl} and {@code -rf} (the pom
 * passes {@code session.request.selectedProjects} and {@code resumeFrom}), or with
 * {@code -Dstowage.reliability.enforce=true}. A full run writes {@code docs/reliability.md}; a
 * partial run writes {@code reliability/target/reliability.md} only, so that a partial view never
 * replaces the committed report.
 */
public final class ReliabilityReport {
    /** Minimum distinct fault kinds on a full run. */
    public static final int MIN_FAULT_KINDS = 20;
    /** Minimum bad-input cases on a full run. */
    public static final int MIN_BAD_INPUT = 40;
    /** Shorter registered secrets are not scanned. */
    public static final int MIN_SECRET_LENGTH = 6;
    /** Secrets that are common words, with the reason they are not scanned. */
    public static final Map<String, String> NOT_SCANNED = Map.of("glance",
            "the local Keystone password of the glance user is the common word 'glance' (user, project, file names);"
                    + " the Keystone tokens obtained with it are scanned instead");
    /** Test secrets every run knows, registered or not (fixtures' passwords). */
    static final List<String> WELL_KNOWN = List.of("s3cr3t-Pa55", "wrong-Pa55word", "tunnel-Pa55", "hunter2", "topsecret",
            "secretpw");

    private static final Pattern TMP = Pattern.compile("/tmp/[A-Za-z0-9._-]+");
    private static final Pattern PARTIAL = Pattern.compile("stowage-partial-[0-9a-f]{16}");
    private static final Pattern CRASH_LOG = Pattern.compile("(hs_err|replay)_pid\\d+\\.log");
    private static final Pattern PORT = Pattern.compile("(127\\.0\\.0\\.1|localhost):\\d{2,5}");

    /** The outcome, for callers and tests. */
    public static final class Result {
        public final List<String> failures = new ArrayList<>();
        public final List<String> secretHits = new ArrayList<>();
        public int faultKinds;
        public int rowsWithLeftovers;
        public int rowsCleanedByGc;
        public int badInputCases;
        public int properties;
        public long propertyTries;
        public int secretsChecked;
        public int filesScanned;
        public boolean full;
        public Path written;
        public String markdown;
    }

    private ReliabilityReport() {
    }

    /** Maven entry point: {@code key=value} arguments (see the pom); exits non-zero on failure. */
    public static void main(String[] args) {
        Map<String, String> a = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String v = eq < 0 ? "" : arg.substring(eq + 1).trim();
            if (v.contains("${")) {
                v = ""; // unset Maven expression
            }
            a.put(eq < 0 ? arg : arg.substring(0, eq), v);
        }
        Path root = Path.of(a.getOrDefault("root", ".")).toAbsolutePath().normalize();
        String selected = a.getOrDefault("selected", "");
        String resume = a.getOrDefault("resume", "");
        boolean full = "true".equalsIgnoreCase(a.get("enforce"))
                || ((selected.isEmpty() || selected.equals("[]")) && resume.isEmpty() && !"false".equalsIgnoreCase(a.get("enforce")));
        List<Path> logs = new ArrayList<>();
        for (String l : a.getOrDefault("build-log", "").split(",")) {
            if (!l.isBlank()) {
                logs.add(Path.of(l.trim()));
            }
        }
        Result r = run(root, full, logs, Instant.now());
        System.out.println("[reliability] " + summaryLine(r));
        System.out.println("[reliability] report written to " + r.written);
        for (String h : r.secretHits) {
            System.out.println("[reliability] SECRET HIT " + h);
        }
        if (!r.failures.isEmpty()) {
            for (String f : r.failures) {
                System.out.println("[reliability] FAILED: " + f);
            }
            throw new IllegalStateException("reliability report: " + String.join("; ", r.failures));
        }
    }

    static String summaryLine(Result r) {
        return "fault kinds " + r.faultKinds + ", rows with leftovers " + r.rowsWithLeftovers + ", bad-input cases "
                + r.badInputCases + ", properties " + r.properties + " (" + r.propertyTries + " tries), secrets checked "
                + r.secretsChecked + " in " + r.filesScanned + " files, hits " + r.secretHits.size()
                + (r.full ? " (full run: thresholds enforced)" : " (partial run: thresholds not enforced)");
    }

    /** Gathers, scans, writes and checks. */
    public static Result run(Path root, boolean full, List<Path> buildLogs, Instant now) {
        Result r = new Result();
        r.full = full;
        Map<String, List<Map<String, Object>>> byModule = new TreeMap<>();
        Set<String> secrets = new LinkedHashSet<>(WELL_KNOWN);
        for (Path targetDir : targetDirs(root)) {
            Path module = targetDir.getParent();
            String name = root.relativize(module).toString();
            Path rec = targetDir.resolve("reliability/records.jsonl");
            if (Files.isRegularFile(rec)) {
                byModule.put(name.isEmpty() ? "." : name, dedupe(readRecords(rec)));
            }
            Path sec = targetDir.resolve("reliability/secrets.txt");
            if (Files.isRegularFile(sec)) {
                try {
                    for (String s : Files.readAllLines(sec, StandardCharsets.UTF_8)) {
                        if (!s.isEmpty()) {
                            secrets.add(s);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        List<Map<String, Object>> faults = new ArrayList<>();
        List<Map<String, Object>> loads = new ArrayList<>();
        List<Map<String, Object>> bad = new ArrayList<>();
        List<Map<String, Object>> props = new ArrayList<>();
        for (Map.Entry<String, List<Map<String, Object>>> e : byModule.entrySet()) {
            for (Map<String, Object> m : e.getValue()) {
                m.put("module", e.getKey());
                switch (String.valueOf(m.get("type"))) {
                    case "fault": faults.add(m); break;
                    case "load": loads.add(m); break;
                    case "bad_input": bad.add(m); break;
                    case "property": props.add(m); break;
                    default: break;
                }
            }
        }
        faults.sort((x, y) -> (areaOrder(x) + "|" + x.get("fault")).compareTo(areaOrder(y) + "|" + y.get("fault")));

        // fault rows
        Set<String> kinds = new TreeSet<>();
        for (Map<String, Object> f : faults) {
            kinds.add(f.get("area") + "|" + f.get("fault"));
            List<String> after = strings(f.get("leftovers_after_test"));
            List<String> afterGc = f.containsKey("leftovers_after_gc") ? strings(f.get("leftovers_after_gc")) : null;
            List<String> last = afterGc != null ? afterGc : after;
            if (!after.isEmpty() && afterGc != null && afterGc.isEmpty()) {
                r.rowsCleanedByGc++;
            }
            if (!last.isEmpty()) {
                r.rowsWithLeftovers++;
                r.failures.add("fault row '" + f.get("area") + ": " + f.get("fault") + "' (" + f.get("module")
                        + ") shows leftovers: after test " + after + ", after gc " + afterGc);
            }
        }
        r.faultKinds = kinds.size();
        r.badInputCases = bad.size();
        r.properties = props.size();
        for (Map<String, Object> p : props) {
            r.propertyTries += ((Number) p.getOrDefault("tries", 0)).longValue();
        }

        // secret scan
        List<String> scanned = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String s : secrets) {
            if (NOT_SCANNED.containsKey(s)) {
                skipped.add("sha256:" + sha(s) + " (" + NOT_SCANNED.get(s) + ")");
            } else if (s.length() < MIN_SECRET_LENGTH) {
                skipped.add("sha256:" + sha(s) + " (shorter than " + MIN_SECRET_LENGTH + " characters)");
            } else {
                scanned.add(s);
            }
        }
        r.secretsChecked = scanned.size();
        List<Path> files = scanFiles(root);
        for (Path l : buildLogs) {
            if (Files.isRegularFile(l)) {
                files.add(l);
            }
        }
        r.filesScanned = files.size();
        for (Path f : files) {
            scan(f, root, scanned, r.secretHits);
        }
        if (!r.secretHits.isEmpty()) {
            r.failures.add(r.secretHits.size() + " secret hit(s) in the test run's outputs: " + r.secretHits);
        }
        if (full) {
            if (r.faultKinds < MIN_FAULT_KINDS) {
                r.failures.add("only " + r.faultKinds + " fault kinds were recorded: expected at least " + MIN_FAULT_KINDS);
            }
            if (r.badInputCases < MIN_BAD_INPUT) {
                r.failures.add("only " + r.badInputCases + " bad-input cases were recorded: expected at least "
                        + MIN_BAD_INPUT);
            }
        }

        r.markdown = markdown(r, byModule, faults, loads, bad, props, skipped, now);
        Path out = full ? root.resolve("docs/reliability.md") : root.resolve("reliability/target/reliability.md");
        try {
            Files.createDirectories(out.getParent());
            Files.writeString(out, r.markdown, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        r.written = out;
        return r;
    }

    private static String areaOrder(Map<String, Object> f) {
        String a = String.valueOf(f.get("area"));
        int i = List.of("file", "cinder", "http", "process").indexOf(a);
        return (i < 0 ? 9 : i) + a;
    }

    // ------------------------------------------------------------------------------- records

    static List<Map<String, Object>> readRecords(Path file) {
        List<Map<String, Object>> out = new ArrayList<>();
        try {
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    Config c = ConfigFactory.parseString(line);
                    out.add(new LinkedHashMap<>(c.root().unwrapped()));
                } catch (RuntimeException e) {
                    throw new IllegalStateException(file + ":" + n + ": not a JSON record: " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static String key(Map<String, Object> m) {
        String type = String.valueOf(m.get("type"));
        switch (type) {
            case "fault": return type + "|" + m.get("area") + "|" + m.get("fault");
            case "load": return type + "|" + m.get("area") + "|" + m.get("scenario");
            case "bad_input": return type + "|" + m.get("area") + "|" + m.get("input");
            case "property": return type + "|" + m.get("area") + "|" + m.get("property");
            default: return type + "|" + m;
        }
    }

    static List<Map<String, Object>> dedupe(List<Map<String, Object>> records) {
        Map<String, Map<String, Object>> last = new LinkedHashMap<>();
        for (Map<String, Object> m : records) {
            String k = key(m);
            last.remove(k);
            last.put(k, m);
        }
        return new ArrayList<>(last.values());
    }

    @SuppressWarnings("unchecked")
    static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List) {
            for (Object x : (List<Object>) o) {
                out.add(String.valueOf(x));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------- scanning

    /** Every {@code target} directory of the reactor (module roots up to three levels deep). */
    static List<Path> targetDirs(Path root) {
        List<Path> out = new ArrayList<>();
        try {
            Files.walkFileTree(root, Set.of(), 4, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    String n = dir.getFileName() == null ? "" : dir.getFileName().toString();
                    if (!dir.equals(root) && (n.startsWith(".") || n.equals("src") || n.equals("node_modules"))) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (n.equals("target") && Files.isRegularFile(dir.getParent().resolve("pom.xml"))) {
                        out.add(dir);
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(null);
        return out;
    }

    static List<Path> scanFiles(Path root) {
        List<Path> out = new ArrayList<>();
        crashLogs(root, out);
        for (Path t : targetDirs(root)) {
            crashLogs(t.getParent(), out);
            try (Stream<Path> s = Files.walk(t)) {
                s.filter(Files::isRegularFile).filter(p -> {
                    Path rel = t.relativize(p);
                    String name = p.getFileName().toString();
                    if (name.equals("secrets.txt")) {
                        return false;
                    }
                    String first = rel.getNameCount() > 0 ? rel.getName(0).toString() : "";
                    return first.equals("surefire-reports") || first.equals("failsafe-reports")
                            || name.endsWith(".log") || rel.toString().equals("reliability/records.jsonl");
                }).forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /**
     * JVM crash logs ({@code hs_err_pid*.log}, {@code replay_pid*.log}) a test process left in
     * {@code dir}, a module's or the root's directory: the working directory of the tests and of
     * the processes they start. A crash log holds the command line, and any password on it.
     */
    private static void crashLogs(Path dir, List<Path> out) {
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isRegularFile).filter(p -> CRASH_LOG.matcher(p.getFileName().toString()).matches())
                    .filter(p -> !out.contains(p)).forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void scan(Path file, Path root, List<String> secrets, List<String> hits) {
        if (secrets.isEmpty()) {
            return;
        }
        List<String[]> forms = new ArrayList<>();
        for (String s : secrets) {
            forms.add(new String[] {s, sha(s)});
            String enc = URLEncoder.encode(s, StandardCharsets.UTF_8);
            if (!enc.equals(s)) {
                forms.add(new String[] {enc, sha(s)});
            }
        }
        String shown = file.startsWith(root) ? root.relativize(file).toString() : file.toString();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.ISO_8859_1))) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                for (String[] f : forms) {
                    if (line.contains(new String(f[0].getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1))) {
                        hits.add(shown + ":" + n + ": secret sha256:" + f[1].substring(0, 12));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scan " + file, e);
        }
    }

    static String sha(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------- markdown

    /** Table cell: one line, pipes escaped, temp paths, ports and random names made stable. */
    static String cell(Object o) {
        String s = String.valueOf(o).replace("\r", " ").replace("\n", " ");
        s = TMP.matcher(s).replaceAll("<tmp>");
        s = PARTIAL.matcher(s).replaceAll("stowage-partial-<random>");
        s = PORT.matcher(s).replaceAll("$1:<port>");
        s = s.replace("|", "\\|");
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    private static String leftovers(List<String> l) {
        return l.isEmpty() ? "none" : l.size() + ": " + String.join(", ", l);
    }

    private static String markdown(Result r, Map<String, List<Map<String, Object>>> byModule,
            List<Map<String, Object>> faults, List<Map<String, Object>> loads, List<Map<String, Object>> bad,
            List<Map<String, Object>> props, List<String> skipped, Instant now) {
        StringBuilder b = new StringBuilder();
        b.append("# Reliability under faults, load and bad input\n\n");
        b.append("<!-- Generated by reliability/src/test/java/org/stowage/reliability/report/ReliabilityReport.java "
                + "from the records the tests wrote during `mvn verify`. Do not edit by hand. -->\n\n");
        b.append("Produced by the test suite, not written by hand: every row below was recorded by a test after its "
                + "assertions passed (`ReliabilityRecorder`), and gathered by the `reliability` module, last in the "
                + "build. Generated ").append(now.truncatedTo(ChronoUnit.SECONDS)).append(" from ")
                .append(r.full ? "a run with the thresholds enforced (a full reactor run, or -Dstowage.reliability.enforce=true "
                        + "over every module's latest records)" : "a PARTIAL run (not committed)").append(".\n\n");
        b.append("Records per module: ");
        List<String> mods = new ArrayList<>();
        byModule.forEach((k, v) -> mods.add("`" + k + "` " + v.size()));
        b.append(mods.isEmpty() ? "none" : String.join(", ", mods)).append(".\n\n");

        b.append("## Summary\n\n");
        b.append("- fault kinds: ").append(r.faultKinds).append(" (target ≥ ").append(MIN_FAULT_KINDS).append(")\n");
        b.append("- rows with leftovers: ").append(r.rowsWithLeftovers).append("\n");
        b.append("- rows whose leftovers only `stowage gc` removed (crashes, and faults that stop the cleanup itself): ")
                .append(r.rowsCleanedByGc).append("\n");
        b.append("- bad-input cases: ").append(r.badInputCases).append(" (target ≥ ").append(MIN_BAD_INPUT).append(")\n");
        b.append("- properties: ").append(r.properties).append(", ").append(r.propertyTries).append(" generated cases in all\n");
        b.append("- load scenarios: ").append(loads.size()).append("\n");
        b.append("- secret scan: ").append(r.secretsChecked).append(" secrets checked, ").append(r.filesScanned)
                .append(" files scanned, hits: ").append(r.secretHits.size()).append("\n\n");

        b.append("## Fault matrix\n\n");
        b.append("Leftovers are what the test found in the backend after the failure (files in the data directory, "
                + "volumes and attachments in Cinder, connections still open to the http server), and again after "
                + "`stowage gc` (the store's findLeftovers/removeLeftover) where gc applies; \"n/a\" where there is "
                + "nothing to collect (read-only http) or the test did not need it. A crash row (kill -9), or a fault "
                + "that stops the cleanup itself (Cinder refusing to delete an attachment), may show the recognisable "
                + "partial file or in-progress volume right after the failure; the final column must be empty on every "
                + "row, or the build fails.\n\n");
        b.append("| area | fault | where injected | observed error | leftovers after the test | leftovers after gc |\n");
        b.append("|---|---|---|---|---|---|\n");
        for (Map<String, Object> f : faults) {
            List<String> after = strings(f.get("leftovers_after_test"));
            String gc = f.containsKey("leftovers_after_gc") ? leftovers(strings(f.get("leftovers_after_gc"))) : "n/a";
            b.append("| ").append(cell(f.get("area"))).append(" | ").append(cell(f.get("fault"))).append(" | ")
                    .append(cell(f.get("injected_at"))).append(" | ").append(cell(f.get("observed_error"))).append(" | ")
                    .append(cell(leftovers(after))).append(" | ").append(cell(gc)).append(" |\n");
        }
        b.append("\n");

        b.append("## Load\n\n");
        if (loads.isEmpty()) {
            b.append("No load figures were recorded in this run.\n\n");
        } else {
            b.append("| area | scenario | figures |\n|---|---|---|\n");
            for (Map<String, Object> l : loads) {
                b.append("| ").append(cell(l.get("area"))).append(" | ").append(cell(l.get("scenario"))).append(" | ")
                        .append(cell(l.get("figures"))).append(" |\n");
            }
            b.append("\n");
        }

        b.append("## Bad input\n\n");
        Map<String, Integer> perArea = new TreeMap<>();
        for (Map<String, Object> x : bad) {
            perArea.merge(String.valueOf(x.get("area")), 1, Integer::sum);
        }
        b.append(r.badInputCases).append(" bad-configuration and bad-URI cases (");
        List<String> pa = new ArrayList<>();
        perArea.forEach((k, v) -> pa.add(k + " " + v));
        b.append(String.join(", ", pa)).append("), each checked to name the file and line where there is one, the "
                + "option or location, the value, and what was expected.\n\n");
        b.append("| area | input | message |\n|---|---|---|\n");
        for (Map<String, Object> x : bad) {
            b.append("| ").append(cell(x.get("area"))).append(" | `").append(cell(x.get("input")).replace("`", "'"))
                    .append("` | ").append(cell(x.get("message"))).append(" |\n");
        }
        b.append("\n");

        b.append("## Properties\n\n");
        b.append(r.properties).append(" property-based tests (jqwik), ").append(r.propertyTries)
                .append(" generated cases: arbitrary input gives a result or the documented error, never another "
                        + "exception, never a hang.\n\n");
        b.append("| area | property | tries |\n|---|---|---|\n");
        for (Map<String, Object> p : props) {
            b.append("| ").append(cell(p.get("area"))).append(" | ").append(cell(p.get("property"))).append(" | ")
                    .append(cell(p.get("tries"))).append(" |\n");
        }
        b.append("\n");

        b.append("## Secret scan\n\n");
        b.append("Scanned every module's `target/surefire-reports/**`, `target/failsafe-reports/**`, `target/**/*.log` "
                + "(with the outputs of the secret-path cases in `target/secret-paths/`: http locations with unencoded "
                + "delimiters in the password, malformed INI lines, include URLs, `config check` after interpolation, "
                + "the CLI's errors and JVM crash logs), `target/reliability/records.jsonl`, JVM crash logs "
                + "(`hs_err_pid*.log`) in the root's and every module's directory (and any build log passed with "
                + "`-Dstowage.reliability.buildLog=FILE`) for ").append(r.secretsChecked)
                .append(" secrets (the ones the tests registered with `ReliabilityRecorder.secretUsed`, such as "
                        + "passwords in configurations and URIs, proxy credentials and the Keystone tokens the cinder "
                        + "tests obtained, plus the fixtures' well-known passwords), in plain and URL-encoded form: ")
                .append(r.filesScanned).append(" files, ").append(r.secretHits.size()).append(" hits.\n\n");
        for (String h : r.secretHits) {
            b.append("- HIT ").append(cell(h)).append("\n");
        }
        if (!skipped.isEmpty()) {
            b.append("Not scanned:\n\n");
            for (String s : skipped) {
                b.append("- ").append(cell(s)).append("\n");
            }
            b.append("\n");
        }
        b.append("## How this report is checked\n\n");
        b.append("The build fails if a fault row shows leftovers, or on any secret hit (the hit names the file, the "
                + "line and the secret's sha256 prefix, never the secret). On a full reactor run (no `-pl`/`-rf`, or "
                + "`-Dstowage.reliability.enforce=true`) it also fails with fewer than ").append(MIN_FAULT_KINDS)
                .append(" fault kinds or fewer than ").append(MIN_BAD_INPUT).append(" bad-input cases, and only a "
                        + "full run rewrites this file; a partial run writes `reliability/target/reliability.md`.\n");
        if (!r.failures.isEmpty()) {
            b.append("\n**This run FAILED:**\n\n");
            for (String f : r.failures) {
                b.append("- ").append(cell(f)).append("\n");
            }
        }
        return b.toString();
    }
}
