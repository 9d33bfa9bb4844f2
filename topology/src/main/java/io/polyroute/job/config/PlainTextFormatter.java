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
package io.polyroute.job.config;

import java.util.EnumSet;
import org.apache.flink.configuration.description.Formatter;
import org.apache.flink.configuration.description.TextElement;

/** Renders a Flink option {@code Description} as plain text for the command line's help. */
final class PlainTextFormatter extends Formatter {

    @Override
    protected void formatLink(StringBuilder state, String link, String description) {
        state.append(description).append(" (").append(link).append(')');
    }

    @Override
    protected void formatLineBreak(StringBuilder state) {
        state.append(System.lineSeparator());
    }

    @Override
    protected void formatText(
            StringBuilder state, String format, String[] elements, EnumSet<TextElement.TextStyle> styles) {
        // A plain description is its own format string; only format when there is something to insert.
        state.append(elements.length == 0 ? format : String.format(format, (Object[]) elements));
    }

    @Override
    protected void formatList(StringBuilder state, String[] entries) {
        for (String entry : entries) {
            state.append(System.lineSeparator()).append("  - ").append(entry);
        }
    }

    @Override
    protected Formatter newInstance() {
        return new PlainTextFormatter();
    }
}
