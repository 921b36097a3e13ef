package org.stowage.drivers.file;

import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/** The modes that follow from {@code filesystem_store_file_perm} (0: the umask's default). */
final class FileModes {
    private static final PosixFilePermission[] ORDER = {
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE};

    private FileModes() {
    }

    /** The permissions of image files. */
    static Set<PosixFilePermission> filePermissions(int perm) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < ORDER.length; i++) {
            if ((perm & (0400 >> i)) != 0) {
                set.add(ORDER[i]);
            }
        }
        return set;
    }

    /** g+x when the file mode grants any group bit, o+x when it grants any other bit (glance_store's rule). */
    static Set<PosixFilePermission> executeBits(int perm) {
        Set<PosixFilePermission> add = EnumSet.noneOf(PosixFilePermission.class);
        if ((perm & 0007) != 0) {
            add.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        if ((perm & 0070) != 0) {
            add.add(PosixFilePermission.GROUP_EXECUTE);
        }
        return add;
    }

    /**
     * The mode of directories the store creates: owner rwx, plus the execute bits, so the images
     * stay reachable as configured and nothing more; the umask's default when no file mode is set.
     */
    static FileAttribute<?>[] directoryMode(int perm) {
        if (perm <= 0) {
            return new FileAttribute<?>[0];
        }
        Set<PosixFilePermission> mode = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE);
        mode.addAll(executeBits(perm));
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)};
    }
}
