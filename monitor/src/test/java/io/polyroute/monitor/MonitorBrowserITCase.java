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
package io.polyroute.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.polyroute.testing.KafkaBrokerExtension;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard page in headless Chromium: the monitor runs against an in-process broker fed with
 * a few minutes of a synthetic pipeline (including a plan change, and a shadow rollout of another
 * version promoted at that change) and a live trickle; the page
 * must show non-zero data in every chart and panel, mark the plan change, and log no error.
 * Saves {@code target/monitor-dashboard.png}.
 *
 * <p>Needs the Debian packages {@code chromium} and {@code chromium-driver}; skipped without them.
 */
@Timeout(180)
class MonitorBrowserITCase {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOT = Path.of("target", "monitor-dashboard.png");

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    /** Records JavaScript errors and unhandled rejections from the first line of every page. */
    private static final String ERROR_TRAP = "window.__pageErrors = [];"
            + "addEventListener('error', e => window.__pageErrors.push(String(e.message || e)));"
            + "addEventListener('unhandledrejection', e => window.__pageErrors.push('unhandled rejection: '"
            + " + String(e.reason)));";

    private static final List<String> PANELS = List.of(
            "panel-throughput",
            "panel-versions",
            "panel-shadow",
            "panel-latency",
            "panel-slots",
            "panel-imbalance",
            "panel-heatmap",
            "panel-dlq",
            "panel-sources",
            "panel-plans",
            "panel-drift",
            "panel-routing");

    /** Short drift windows, so the synthetic source that drifts is alerted within the test. */
    private static final Map<String, String> DRIFT = Map.of(
            "monitor.drift.reference-window", "30 s",
            "monitor.drift.current-window", "15 s",
            "monitor.drift.buckets", "5",
            "monitor.drift.evaluate-interval", "1 s",
            "monitor.drift.min-samples", "20");

    @TempDir
    Path tempDir;

    @BeforeAll
    static void requireChromium() {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "The browser test needs " + CHROMIUM + " and " + CHROMEDRIVER + " (Debian packages chromium and "
                        + "chromium-driver); they are not installed, so it is skipped.");
    }

    @Test
    void shouldShowLiveChartsWithDataAndMarkThePlanChangeWithoutErrors() throws Exception {
        ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor();
        ChromeDriver browser = null;
        try (MonitorKafka topics = new MonitorKafka(KAFKA).withShadowTopic();
                Monitor monitor = new Monitor(topics.options(tempDir.resolve("state"), DRIFT)).start()) {
            long now = System.currentTimeMillis();
            long start = now - 200_000;
            SyntheticPipelineStream stream = new SyntheticPipelineStream(topics, start, now - 100_000, true);
            stream.emit(start, now);
            long[] fedUntil = {now};
            long stopFeedingAt = now + 150_000;
            AtomicReference<Throwable> feederFailure = new AtomicReference<>();
            feeder.scheduleAtFixedRate(
                    () -> {
                        try {
                            long t = Math.min(System.currentTimeMillis(), stopFeedingAt);
                            stream.emit(fedUntil[0], t);
                            fedUntil[0] = t;
                        } catch (RuntimeException | Error e) {
                            feederFailure.compareAndSet(null, e);
                            throw e;
                        }
                    },
                    500,
                    500,
                    TimeUnit.MILLISECONDS);

            MonitorKafka.await(
                    "the monitor to run with queryable stores",
                    Duration.ofSeconds(60),
                    () -> topics.get(monitor.url(), "api/health").filter(h -> h.contains("\"ready\":true")),
                    () -> monitor.state().name());
            // The page should show the stream as it runs, not the monitor catching up on the backlog.
            long[] lag = {-1};
            MonitorKafka.await(
                    "the monitor to catch up with the backlog",
                    Duration.ofSeconds(90),
                    () -> {
                        lag[0] = topics.lag(monitor.options().applicationId());
                        return lag[0] < 100 ? Optional.of(lag[0]) : Optional.empty();
                    },
                    () -> lag[0] + " records behind");

            browser = startBrowser();
            browser.get(monitor.url().toString());
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90), Duration.ofMillis(250));
            ChromeDriver page = browser;
            wait.withMessage(() -> "every panel to show data and the slot chart to mark a plan change; panels "
                            + "still without data: " + emptyPanels(page))
                    .until(d -> emptyPanels(page).isEmpty() && planMarkers(page) >= 1);

            wait.withMessage(() -> "an open drift alert for press-03 in the alert list")
                    .until(d -> !page.findElements(
                                    By.cssSelector("#alerts tr.open[data-source='press-03'][data-kind='DRIFT']"))
                            .isEmpty());
            // The list is redrawn on every refresh: a row found just before a redraw is gone when clicked.
            wait.withMessage(() -> "a click on the open alert of press-03")
                    .ignoring(StaleElementReferenceException.class)
                    .until(d -> {
                        page.findElement(By.cssSelector("#alerts tr.open[data-source='press-03']"))
                                .click();
                        return true;
                    });
            wait.withMessage(() -> "the routing of press-03 with its reference and current distributions")
                    .until(d -> "press-03"
                                    .equals(page.findElement(By.id("panel-routing"))
                                            .getDomAttribute("data-source"))
                            && "true"
                                    .equals(page.findElement(By.id("panel-routing"))
                                            .getDomAttribute("data-has-data")));
            @SuppressWarnings("unchecked")
            List<Number> current = (List<Number>)
                    browser.executeScript("return window.polyrouteMonitor.state.charts.routing.data.datasets[1].data;");
            assertThat(current.get(6).doubleValue() + current.get(7).doubleValue())
                    .as("current share of experts 6 and 7 for press-03")
                    .isGreaterThan(0.9);
            assertThat(browser.findElement(By.id("routing-note")).getText()).contains("DRIFT");

            fitWindowToPage(browser, wait);
            Files.createDirectories(SCREENSHOT.getParent());
            Files.write(SCREENSHOT, browser.getScreenshotAs(OutputType.BYTES));

            assertThat(emptyCharts(browser))
                    .as("charts whose every point is zero or missing")
                    .isEmpty();
            assertThat(planMarkers(browser))
                    .as("plan changes marked on the slot chart")
                    .isEqualTo(2);
            assertThat(browser.findElement(By.cssSelector("#kpi-plan .value")).getText())
                    .isEqualTo("v2");
            assertThat(browser.findElements(By.cssSelector("#heatmap td.replica")))
                    .hasSize(10);
            assertThat(browser.findElement(By.id("panel-versions")).getDomAttribute("data-versions"))
                    .as("versions in the version mix")
                    .isEqualTo("2");
            assertThat(browser.findElements(By.cssSelector("#shadow tbody tr")))
                    .as("pairs of versions in the shadow table")
                    .hasSize(1);
            assertThat(pageErrors(browser))
                    .as("JavaScript errors the page raised")
                    .isEmpty();
            assertThat(severeConsoleEntries(browser))
                    .as("errors in the browser console")
                    .isEmpty();
            assertThat(feederFailure.get()).as("a failure of the live feed").isNull();
        } finally {
            feeder.shutdownNow();
            if (browser != null) {
                browser.quit();
            }
        }
    }

    private ChromeDriver startBrowser() throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + Files.createDirectories(tempDir.resolve("chromium-profile")),
                "--window-size=1440,1000",
                "--force-device-scale-factor=1",
                "--hide-scrollbars");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(new File("target", "chromedriver.log"))
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", ERROR_TRAP));
        return driver;
    }

    /** Makes the viewport as tall as the page, so the screenshot shows all of it, and waits for a redraw. */
    private static void fitWindowToPage(ChromeDriver browser, WebDriverWait wait) {
        for (int attempt = 0; attempt < 3; attempt++) {
            long height = (Long) browser.executeScript("return document.documentElement.scrollHeight;");
            long viewport = (Long) browser.executeScript("return window.innerHeight;");
            if (height <= viewport) {
                return;
            }
            browser.executeCdpCommand(
                    "Emulation.setDeviceMetricsOverride",
                    Map.of("width", 1440, "height", height, "deviceScaleFactor", 1, "mobile", false));
            String updated = browser.findElement(By.id("updated")).getText();
            wait.withMessage("the page to refresh after the resize")
                    .until(d -> !browser.findElement(By.id("updated")).getText().equals(updated));
        }
    }

    private static List<String> emptyPanels(ChromeDriver browser) {
        return PANELS.stream()
                .filter(id -> {
                    List<WebElement> found = browser.findElements(By.id(id));
                    return found.isEmpty() || !"true".equals(found.get(0).getDomAttribute("data-has-data"));
                })
                .toList();
    }

    private static int planMarkers(ChromeDriver browser) {
        String markers = browser.findElement(By.id("panel-slots")).getDomAttribute("data-plan-markers");
        return markers == null ? 0 : Integer.parseInt(markers);
    }

    @SuppressWarnings("unchecked")
    private static List<String> emptyCharts(ChromeDriver browser) {
        return (List<String>) browser.executeScript("const charts = window.polyrouteMonitor.state.charts;"
                + "return Object.keys(charts).filter(name => !charts[name].data.datasets.some(d =>"
                + "  d.data.some(p => (p !== null && typeof p === 'object' ? p.y : p) > 0)));");
    }

    @SuppressWarnings("unchecked")
    private static List<String> pageErrors(ChromeDriver browser) {
        Object errors = browser.executeScript("return window.__pageErrors || ['the error trap was not installed'];");
        return (List<String>) errors;
    }

    private static List<String> severeConsoleEntries(ChromeDriver browser) {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .collect(Collectors.toList());
    }
}
