package org.stowage.drivers.cinder.connector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** This host's mounts, from {@code /proc/self/mountinfo}. */
public final class MountTable {
    /** One mount. */
    public record Mount(Path mountPoint, String fsType, String source) {
    }

    private final List<Mount> mounts;

    private MountTable(List<Mount> mounts) {
        this.mounts = mounts;
    }

    /** Reads the current mounts (empty if the table cannot be read). */
    public static MountTable read() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/self/mountinfo")));
        } catch (IOException e) {
            return new MountTable(List.of());
        }
    }

    /** Parses mountinfo lines. */
    public static MountTable parse(List<String> lines) {
        List<Mount> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            int sep = -1;
            for (int i = 6; i < f.length; i++) {
                if (f[i].equals("-")) {
                    sep = i;
                    break;
                }
            }
            if (f.length < 7 || sep < 0 || sep + 2 >= f.length) {
                continue;
            }
            out.add(new Mount(Path.of(unescape(f[4])), f[sep + 1], unescape(f[sep + 2])));
        }
        return new MountTable(out);
    }

    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The mount point of an NFS mount of {@code export}, if any. */
    public Path nfsMountOf(String export) {
        for (Mount m : mounts) {
            if (m.fsType().startsWith("nfs") && m.source().equals(export)) {
                return m.mountPoint();
            }
        }
        return null;
    }

    /** True if {@code p} is a mount point. */
    public boolean isMountPoint(Path p) {
        Path n = p.toAbsolutePath().normalize();
        for (Mount m : mounts) {
            if (m.mountPoint().equals(n)) {
                return true;
            }
        }
        return false;
    }

    /** All mounts. */
    public List<Mount> mounts() {
        return mounts;
    }
}
