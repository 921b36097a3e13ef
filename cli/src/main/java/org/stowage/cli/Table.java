package org.stowage.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Plain-text tables: columns padded to their widest cell, two spaces apart, the last one unpadded.
 * A table wider than its {@link Width} has its widest columns narrowed (never below their header,
 * nor below {@link #MIN_COLUMN} characters) and their cells wrapped at spaces within the column.
 */
final class Table {
    /** The narrowest a column is made to fit a width. */
    static final int MIN_COLUMN = 8;

    /**
     * How wide a table may be: {@code total} characters (0: unknown), and when the width is unknown,
     * at most {@code cap} characters per cell (0: no limit).
     */
    record Width(int total, int cap) {
        static final Width UNLIMITED = new Width(0, 0);
    }

    private Table() {
    }

    /** The rows (the first one the header) within {@code width}, one line each, without a trailing newline. */
    static String render(List<String[]> rows, Width width) {
        int n = rows.get(0).length;
        int[] w = new int[n];
        for (String[] r : rows) {
            for (int i = 0; i < n; i++) {
                for (String line : r[i].split("\n", -1)) {
                    w[i] = Math.max(w[i], line.length());
                }
            }
        }
        fit(w, rows.get(0), width);
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            List<List<String>> wrapped = new ArrayList<>();
            int height = 1;
            for (int i = 0; i < n; i++) {
                wrapped.add(wrap(r[i], w[i]));
                height = Math.max(height, wrapped.get(i).size());
            }
            for (int line = 0; line < height; line++) {
                StringBuilder l = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    String cell = line < wrapped.get(i).size() ? wrapped.get(i).get(line) : "";
                    l.append(i == n - 1 ? cell : String.format("%-" + w[i] + "s  ", cell));
                }
                sb.append(l.toString().stripTrailing()).append('\n');
            }
        }
        return sb.toString().stripTrailing();
    }

    /** Narrows the widths {@code w} to the cap, then the widest ones until the table fits the total. */
    private static void fit(int[] w, String[] header, Width width) {
        int[] min = new int[w.length];
        for (int i = 0; i < w.length; i++) {
            min[i] = Math.min(w[i], Math.max(MIN_COLUMN, header[i].length()));
            if (width.cap() > 0) {
                w[i] = Math.max(min[i], Math.min(w[i], width.cap()));
            }
        }
        if (width.total() <= 0) {
            return;
        }
        int total = 2 * (w.length - 1);
        for (int x : w) {
            total += x;
        }
        while (total > width.total()) {
            int widest = -1;
            for (int i = 0; i < w.length; i++) {
                if (w[i] > min[i] && (widest < 0 || w[i] > w[widest])) {
                    widest = i;
                }
            }
            if (widest < 0) {
                return;
            }
            w[widest]--;
            total--;
        }
    }

    /** The lines of {@code cell} within {@code width}: broken at spaces, a longer word cut. */
    static List<String> wrap(String cell, int width) {
        List<String> out = new ArrayList<>();
        for (String para : cell.split("\n", -1)) {
            String rest = para;
            while (rest.length() > width) {
                int cut = rest.lastIndexOf(' ', width);
                if (cut <= 0) {
                    out.add(rest.substring(0, width));
                    rest = rest.substring(width);
                } else {
                    out.add(rest.substring(0, cut));
                    rest = rest.substring(cut + 1);
                }
            }
            out.add(rest);
        }
        return out;
    }
}
