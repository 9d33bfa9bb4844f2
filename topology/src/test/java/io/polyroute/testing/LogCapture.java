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
package io.polyroute.testing;

import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Records every log line at INFO and above (Polyroute, Flink and Kafka, including the Kafka
 * clients' configuration dumps) while it is open, without printing them. The console keeps
 * showing errors only.
 *
 * <pre>{@code
 * try (LogCapture logs = LogCapture.start()) {
 *     runTheJob();
 *     assertThat(logs.text()).doesNotContain(password);
 * }
 * }</pre>
 */
public final class LogCapture implements AutoCloseable {
    private static final String NAME = "polyroute-test-capture";

    private final StringWriter writer = new StringWriter();
    private final LoggerContext context;
    private final Map<LoggerConfig, Level> levels = new HashMap<>();
    private final Map<String, Appender> rootAppenders = new HashMap<>();
    private final Appender appender;

    private LogCapture() {
        context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        appender = WriterAppender.newBuilder()
                .setName(NAME)
                .setTarget(writer)
                .setLayout(PatternLayout.newBuilder()
                        .withPattern("%-5level %c - %msg%n%throwable")
                        .build())
                .build();
        appender.start();
        LoggerConfig root = config.getRootLogger();
        rootAppenders.putAll(root.getAppenders());
        rootAppenders.keySet().forEach(root::removeAppender);
        rootAppenders.values().forEach(a -> root.addAppender(a, Level.ERROR, null));
        root.addAppender(appender, Level.INFO, null);
        for (LoggerConfig lc : config.getLoggers().values()) {
            levels.put(lc, lc.getLevel());
            lc.setLevel(Level.INFO);
        }
        context.updateLoggers();
    }

    /** Starts capturing. */
    public static LogCapture start() {
        return new LogCapture();
    }

    /** Everything logged since {@link #start()}. */
    public synchronized String text() {
        return writer.toString();
    }

    /** Stops capturing and restores the previous levels and appenders. */
    @Override
    public void close() {
        LoggerConfig root = context.getConfiguration().getRootLogger();
        root.removeAppender(NAME);
        rootAppenders.keySet().forEach(root::removeAppender);
        rootAppenders.values().forEach(a -> root.addAppender(a, null, null));
        levels.forEach(LoggerConfig::setLevel);
        context.updateLoggers();
        appender.stop();
    }
}
