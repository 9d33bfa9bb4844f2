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
package io.polyroute.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The layout of every {@code --help} of the command line: each command in a listing of
 * subcommands is summed up by its whole first sentence, wrapped under its name, rather than by the
 * first line of its description cut mid-sentence; commands with many options show an abbreviated
 * synopsis ({@code [OPTIONS]}); and every help ends with the exit codes.
 */
final class HelpLayout {
    /** Width of every usage message; descriptions are written for it. */
    static final int WIDTH = 110;

    /** The exit codes, shared by every command. */
    static final String EXIT_CODES = "%nExit codes: 0 success; 1 failure while running (broker, cluster or model"
            + " errors); 2 bad usage, bad configuration or an invalid bundle (the message names what to fix).";

    private HelpLayout() {}

    /** Applies the layout to {@code cl} and every subcommand below it. */
    static CommandLine install(CommandLine cl) {
        cl.setUsageHelpWidth(WIDTH);
        // A full synopsis of a command with many options wraps inside option names and labels.
        if (cl.getCommandSpec().options().size() > 6) {
            cl.getCommandSpec().usageMessage().abbreviateSynopsis(true);
        }
        cl.getHelpSectionMap()
                .put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, HelpLayout::commandList);
        CommandSpec spec = cl.getCommandSpec();
        String[] footer = spec.usageMessage().footer();
        if (footer.length == 0 || !String.join("", footer).contains("Exit codes:")) {
            List<String> lines = new ArrayList<>(List.of(footer));
            lines.add(EXIT_CODES);
            spec.usageMessage().footer(lines.toArray(String[]::new));
        }
        cl.getSubcommands().values().forEach(HelpLayout::install);
        return cl;
    }

    private static String commandList(CommandLine.Help help) {
        Map<String, CommandLine.Help> commands = help.subcommands();
        if (commands.isEmpty()) {
            return "";
        }
        int nameWidth =
                commands.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder out = new StringBuilder();
        String indent = " ".repeat(2 + nameWidth + 2);
        for (Map.Entry<String, CommandLine.Help> e : commands.entrySet()) {
            if (e.getValue().commandSpec().usageMessage().hidden()) {
                continue;
            }
            String first = "  " + e.getKey() + " ".repeat(nameWidth - e.getKey().length() + 2);
            out.append(wrap(summary(e.getValue().commandSpec()), first, indent, WIDTH));
        }
        return out.toString();
    }

    /** The first sentence of the command's header, or else of its description. */
    static String summary(CommandSpec spec) {
        String[] header = spec.usageMessage().header();
        String text = String.join(
                        " ", header.length > 0 ? header : spec.usageMessage().description())
                .replaceAll("\\s+", " ")
                .strip();
        int end = text.indexOf(". ");
        return end < 0 ? text : text.substring(0, end + 1);
    }

    /** Word-wraps {@code text} to {@code width}; words longer than a line are never split. */
    static String wrap(String text, String first, String indent, int width) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder(first);
        int bare = first.length();
        for (String word : text.split(" ")) {
            if (line.length() > bare && line.length() + 1 + word.length() > width) {
                out.append(line).append(System.lineSeparator());
                line = new StringBuilder(indent);
                bare = indent.length();
            }
            if (line.length() > bare) {
                line.append(' ');
            }
            line.append(word);
        }
        return out.append(line).append(System.lineSeparator()).toString();
    }
}
