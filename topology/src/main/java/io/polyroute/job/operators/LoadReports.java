package io.polyroute.job.operators;

import io.polyroute.job.control.LoadReport;
import org.apache.flink.util.OutputTag;

/** The side output of per-window load reports from GATE and EXPERT. */
public final class LoadReports {
    public static final OutputTag<LoadReport> TAG = new OutputTag<>("load-reports") {};

    private LoadReports() {}
}
