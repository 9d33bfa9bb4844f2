/*
 * Copyright 2026 the Polyroute authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package io.polyroute.bench;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table with right-aligned columns (the first left-aligned), for stdout and Markdown. */
final class TextTable {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    TextTable(String... header) {
        this.header = header;
    }

    void row(String... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException("A row needs " + header.length + " cells, got " + cells.length + ".");
        }
        rows.add(cells);
    }

    /** Aligned columns separated by two spaces. */
    String render() {
        int[] w = widths();
        StringBuilder sb = new StringBuilder();
        line(sb, header, w);
        int total = 0;
        for (int x : w) {
            total += x + 2;
        }
        sb.append("-".repeat(Math.max(0, total - 2))).append('\n');
        for (String[] r : rows) {
            line(sb, r, w);
        }
        return sb.toString();
    }

    /** A Markdown table. */
    String markdown() {
        StringBuilder sb =
                new StringBuilder("| ").append(String.join(" | ", header)).append(" |\n|");
        for (int i = 0; i < header.length; i++) {
            sb.append(i == 0 ? " --- |" : " ---: |");
        }
        sb.append('\n');
        for (String[] r : rows) {
            sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        return sb.toString();
    }

    private int[] widths() {
        int[] w = new int[header.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = header[i].length();
            for (String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        return w;
    }

    private static void line(StringBuilder sb, String[] cells, int[] w) {
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i];
            String pad = " ".repeat(w[i] - c.length());
            sb.append(i == 0 ? c + pad : pad + c);
            if (i < cells.length - 1) {
                sb.append("  ");
            }
        }
        sb.append('\n');
    }
}
