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
package io.polyroute.bench.cli;

import picocli.CommandLine;

/**
 * Entry point of the benchmark jar: {@code ./polyroute bench ...} runs it. The JMH microbenchmarks
 * in the same jar run with {@code java -cp bench/target/polyroute-bench.jar org.openjdk.jmh.Main}.
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setCommandName("polyroute bench");
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpWidth(110);
        System.exit(cl.execute(args));
    }
}
