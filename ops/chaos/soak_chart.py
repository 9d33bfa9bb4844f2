#!/usr/bin/env python3
# Copyright 2026 the Polyroute authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.
"""Draws the resource curves of a soak run as one SVG file.

    ops/chaos/soak_chart.py <run>.soak.tsv out.svg [--title TEXT]

The input is the tab-separated file that ops/chaos/soak.sh writes (minute, process, metric,
value; a negative value means "not available"). The chart has one panel per metric (RSS, RSS
outside the heap, heap in use, the heap's low-water mark, open file descriptors, threads,
checkpoint duration and size), one line per process; a metric the file lacks is left out.
Only the Python standard library is used.
"""

import argparse
import csv
import html
import sys
from collections import defaultdict

PANELS = [
    ("rss_mb", "resident memory (MiB)", 1.0),
    ("nonheap_rss_mb", "resident memory outside the heap (MiB), judged", 1.0),
    ("heap_mb", "heap in use at the sample (MiB)", 1.0),
    ("heap_low_mb", "heap low-water mark of the minute (MiB), judged", 1.0),
    ("fds", "open file descriptors", 1.0),
    ("threads", "threads", 1.0),
    ("checkpoint_ms", "last checkpoint, end to end (ms)", 1.0),
    ("checkpoint_bytes", "last checkpoint size (KiB)", 1.0 / 1024),
]
COLOURS = {
    "broker-1": "#1f77b4",
    "broker-2": "#17becf",
    "broker-3": "#9467bd",
    "jobmanager": "#2ca02c",
    "taskmanager-1": "#d62728",
    "taskmanager-2": "#ff7f0e",
    "job": "#333333",
}
PANEL_W, PANEL_H = 440, 220
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 64, 16, 28, 36
COLS = 2


def read(path):
    series = defaultdict(lambda: defaultdict(list))  # metric -> process -> [(minute, value)]
    with open(path, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            try:
                minute, value = int(row["minute"]), float(row["value"])
            except (KeyError, TypeError, ValueError):
                continue
            if value < 0:
                continue
            series[row["metric"]][row["process"]].append((minute, value))
    return series


def nice_max(v):
    if v <= 0:
        return 1.0
    step = 10 ** (len(str(int(v))) - 1)
    for m in (1, 1.2, 1.6, 2, 2.4, 3.2, 4, 4.8, 6, 8, 10):
        if m * step >= v:
            return m * step
    return 10 * step


def panel(out, x0, y0, title, lines, max_minute):
    w, h = PANEL_W - MARGIN_L - MARGIN_R, PANEL_H - MARGIN_T - MARGIN_B
    left, top = x0 + MARGIN_L, y0 + MARGIN_T
    ymax = nice_max(max((v for pts in lines.values() for _, v in pts), default=1.0) * 1.05)
    xmax = max(max_minute, 1)
    out.append(f'<text x="{left}" y="{y0 + 18}" font-weight="bold">{html.escape(title)}</text>')
    for i in range(5):
        y = top + h - h * i / 4
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + w}" y2="{y:.1f}" stroke="#ddd"/>')
        label = ymax * i / 4
        text = f"{label:.0f}" if ymax >= 10 else f"{label:.2f}"
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{text}</text>')
    ticks = 6
    for i in range(ticks + 1):
        minute = xmax * i / ticks
        x = left + w * i / ticks
        out.append(f'<line x1="{x:.1f}" y1="{top + h}" x2="{x:.1f}" y2="{top + h + 4}" stroke="#666"/>')
        out.append(f'<text x="{x:.1f}" y="{top + h + 16}" text-anchor="middle">{minute:.0f}</text>')
    out.append(f'<text x="{left + w / 2}" y="{top + h + 30}" text-anchor="middle">minute</text>')
    out.append(f'<rect x="{left}" y="{top}" width="{w}" height="{h}" fill="none" stroke="#666"/>')
    for process, pts in sorted(lines.items()):
        pts = sorted(pts)
        coords = " ".join(f"{left + w * m / xmax:.1f},{top + h - h * v / ymax:.1f}" for m, v in pts)
        colour = COLOURS.get(process, "#888")
        out.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="1.5"/>')


def main():
    ap = argparse.ArgumentParser(description="Draws a soak run's resource curves as an SVG file.")
    ap.add_argument("tsv")
    ap.add_argument("svg")
    ap.add_argument("--title", default="Soak: resources per process, sampled every minute")
    args = ap.parse_args()
    series = read(args.tsv)
    if not series:
        sys.exit(f"soak_chart: no samples in {args.tsv}")
    max_minute = max(m for procs in series.values() for pts in procs.values() for m, _ in pts)
    panels = [p for p in PANELS if p[0] in series]
    rows = (len(panels) + COLS - 1) // COLS
    legend_h = 30
    width, height = COLS * PANEL_W, 40 + rows * PANEL_H + legend_h
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">'
        f"{html.escape(args.title)}</text>",
    ]
    for i, (metric, title, scale) in enumerate(panels):
        lines = {p: [(m, v * scale) for m, v in pts] for p, pts in series.get(metric, {}).items()}
        panel(out, (i % COLS) * PANEL_W, 40 + (i // COLS) * PANEL_H, title, lines, max_minute)
    x, y = 64, 40 + rows * PANEL_H + 16
    for process, colour in COLOURS.items():
        out.append(f'<line x1="{x}" y1="{y - 4}" x2="{x + 18}" y2="{y - 4}" stroke="{colour}" stroke-width="3"/>')
        out.append(f'<text x="{x + 22}" y="{y}">{html.escape(process)}</text>')
        x += 118
    out.append("</svg>")
    with open(args.svg, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
