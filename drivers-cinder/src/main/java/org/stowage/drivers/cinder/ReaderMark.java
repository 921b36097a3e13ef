package org.stowage.drivers.cinder;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who holds a read attachment of an image-volume: the host, process id and process start time of
 * the reader, kept in the volume's metadata under {@code stowage_reader_<attachment id>} while
 * the attachment exists. Cinder does not show an attachment's connector, so this is how
 * {@code stowage gc} tells the attachment of a process killed mid-read (kill -9, a crash) from a
 * live reader's. The start time guards against a recycled process id.
 */
record ReaderMark(String host, long pid, long startMillis) {
    /** Metadata key prefix; the attachment id follows. */
    static final String PREFIX = "stowage_reader_";
    /** Two readings of one process's start time may differ by the clock tick rounding. */
    private static final long START_TOLERANCE_MS = 1000;
    private static final Pattern VALUE = Pattern.compile("host=(\\S+) pid=(\\d+) start=(\\d+)");
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final String THIS_HOST = HostConnector.hostName();

    /** This process. */
    static ReaderMark self() {
        ProcessHandle me = ProcessHandle.current();
        long start = me.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        return new ReaderMark(THIS_HOST, me.pid(), start);
    }

    static String key(String attachmentId) {
        return PREFIX + attachmentId;
    }

    /**
     * The attachment id of a mark's metadata key, if it is one. Metadata can be written by anyone
     * in the project, so only a UUID is taken: the id goes into a Cinder URL.
     */
    static Optional<String> attachmentOf(String key) {
        String id = key.startsWith(PREFIX) ? key.substring(PREFIX.length()) : "";
        return UUID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
    }

    /** The metadata value. */
    String value() {
        return "host=" + host + " pid=" + pid + " start=" + startMillis;
    }

    /** A mark read back; empty if the value is not one. */
    static Optional<ReaderMark> parse(String value) {
        Matcher m = value == null ? null : VALUE.matcher(value.trim());
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ReaderMark(m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * True only when the reader ran on this host and is provably gone: no such process, or a
     * process of that id that started at another time. A reader on another host is never
     * "gone" here: this host cannot see its processes.
     */
    boolean isGone() {
        if (!host.equals(THIS_HOST)) {
            return false;
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !p.get().isAlive()) {
            return true;
        }
        Optional<Instant> started = p.get().info().startInstant();
        return startMillis > 0 && started.isPresent()
                && Math.abs(started.get().toEpochMilli() - startMillis) > START_TOLERANCE_MS;
    }

    /** For messages. */
    String describe() {
        return "process " + pid + " on host " + host + " (started " + (startMillis > 0
                ? Instant.ofEpochMilli(startMillis).toString() : "at an unknown time") + ")";
    }
}
