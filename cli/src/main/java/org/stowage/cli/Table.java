package org.stowage.cli;

import java.util.List;

/** Plain-text tables: columns padded to their widest cell, two spaces apart, the last one unpadded. */
final class Table {
    private Table() {
    }

    /** The rows (the first one the header), one line each, without a trailing newline. */
    static String render(List<String[]> rows) {
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                sb.append(i == r.length - 1 ? r[i] : String.format("%-" + w[i] + "s  ", r[i]));
            }
            sb.append('\n');
        }
        return sb.toString().stripTrailing();
    }
}
