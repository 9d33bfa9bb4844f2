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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** PNG charts of the benchmark reports (XChart, headless). */
final class BenchCharts {
    static final int WIDTH = 900;
    static final int HEIGHT = 480;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private BenchCharts() {}

    /** Records per second of every system and the roofline, log scale. */
    static Path throughput(CompareReport r, Path png) {
        CategoryChart c = category(
                "Throughput, " + r.workload().name() + " workload ("
                        + String.format(
                                java.util.Locale.ROOT,
                                "load avg %.1f",
                                r.machineAtStart().load1()) + ")",
                "records/s");
        List<String> names = new ArrayList<>();
        List<Number> values = new ArrayList<>();
        for (SystemResult s : r.results()) {
            names.add(s.system());
            values.add(Math.max(1, s.throughput()));
        }
        names.add(CompareReport.ROOFLINE);
        values.add(Math.max(1, r.rooflineRecordsPerSecond()));
        c.addSeries("records/s", names, values);
        c.getStyler().setYAxisMin(floorPow10(values));
        c.getStyler().setLegendVisible(false);
        c.getStyler().setLabelsVisible(true);
        c.getStyler().setDecimalPattern("#,###");
        return save(c, png);
    }

    /** p50 and p99 latency of every system, to the sink and visible, log scale. */
    static Path latency(CompareReport r, Path png) {
        CategoryChart c = category(
                "Latency at 50% of each system's throughput, " + r.workload().name(), "ms");
        List<String> names = new ArrayList<>();
        List<Number> sp50 = new ArrayList<>();
        List<Number> sp99 = new ArrayList<>();
        List<Number> vp50 = new ArrayList<>();
        List<Number> vp99 = new ArrayList<>();
        for (SystemResult s : r.results()) {
            if (s.latency() == null) {
                continue;
            }
            names.add(s.system());
            sp50.add(Math.max(1, s.latency().sinkP50()));
            sp99.add(Math.max(1, s.latency().sinkP99()));
            vp50.add(Math.max(1, s.latency().visibleP50()));
            vp99.add(Math.max(1, s.latency().visibleP99()));
        }
        if (names.isEmpty()) {
            return null;
        }
        c.getStyler().setYAxisMin(floorPow10(sp50));
        c.addSeries("p50 to sink", names, sp50);
        c.addSeries("p99 to sink", names, sp99);
        c.addSeries("p50 visible (read_committed)", names, vp50);
        c.addSeries("p99 visible (read_committed)", names, vp99);
        return save(c, png);
    }

    /** One line per series over a numeric x axis. */
    static Path lines(
            String title,
            String xTitle,
            String yTitle,
            boolean logY,
            List<String> series,
            double[] x,
            List<double[]> ys,
            Path png) {
        XYChart c = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle(xTitle)
                .yAxisTitle(yTitle)
                .build();
        c.getStyler().setYAxisLogarithmic(logY);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        for (int i = 0; i < series.size(); i++) {
            double[] y = ys.get(i).clone();
            for (int j = 0; j < y.length; j++) {
                y[j] = logY ? Math.max(1e-3, y[j]) : y[j];
            }
            c.addSeries(series.get(i), x, y);
        }
        return save(c, png);
    }

    /**
     * The power of ten at or below the smallest value: XChart draws bars on a logarithmic axis
     * only from an explicit minimum above zero.
     */
    private static double floorPow10(List<Number> values) {
        double min = Double.MAX_VALUE;
        for (Number v : values) {
            min = Math.min(min, v.doubleValue());
        }
        return Math.pow(10, Math.floor(Math.log10(Math.max(1, min))));
    }

    private static CategoryChart category(String title, String yTitle) {
        CategoryChart c = new CategoryChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .yAxisTitle(yTitle)
                .build();
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setXAxisLabelRotation(20);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        return c;
    }

    private static Path save(org.knowm.xchart.internal.chartpart.Chart<?, ?> c, Path png) {
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            String file = png.toString();
            BitmapEncoder.saveBitmap(
                    c,
                    file.endsWith(".png") ? file.substring(0, file.length() - 4) : file,
                    BitmapEncoder.BitmapFormat.PNG);
            return png;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write chart " + png + ": " + e.getMessage(), e);
        }
    }
}
