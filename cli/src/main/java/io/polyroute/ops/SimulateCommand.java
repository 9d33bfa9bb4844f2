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
package io.polyroute.ops;

import io.polyroute.demo.SensorSimulator;
import io.polyroute.kit.factory.FactorySimulator;
import io.polyroute.kit.factory.RegimeMix;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code simulate}: the factory sensor simulator of the demo as a standalone process, for
 * deployments where Kafka, the job and the monitor run separately (Docker Compose, Kubernetes).
 * Runs until stopped, or for {@code --duration} seconds.
 */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description = "Send factory sensor readings (the factory-moe bundle's input) to a topic at a fixed rate.")
final class SimulateCommand implements Callable<Integer> {
    @Mixin
    KafkaArgs kafka;

    @Option(names = "--topic", defaultValue = "sensors", description = "Input topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--rate", defaultValue = "200", description = "Records per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--bad-share",
            defaultValue = "0.001",
            description =
                    "Share of deliberately bad records, which the job sends to the DLQ (default: ${DEFAULT-VALUE}).")
    double badShare;

    @Option(names = "--seed", defaultValue = "7", description = "Simulator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--duration",
            defaultValue = "0",
            description = "Seconds to run; 0 runs until stopped (default: ${DEFAULT-VALUE}).")
    long duration;

    @Override
    public Integer call() throws Exception {
        if (!(rate > 0) || badShare < 0 || badShare > 1 || duration < 0) {
            throw new IllegalArgumentException("--rate must be > 0, --bad-share between 0 and 1, --duration >= 0.");
        }
        FactorySimulator factory = FactorySimulator.builder()
                .seed(seed)
                .mix(RegimeMix.rotating(System.currentTimeMillis(), 120_000, 0.8))
                .build();
        SensorSimulator simulator =
                new SensorSimulator(kafka.clientProperties(), topic, rate, badShare, false, seed, factory);
        Thread thread = new Thread(simulator, "simulator");
        thread.start();
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::stop));
        System.out.printf(Locale.ROOT, "simulate: sending %.0f records/s to %s%n", rate, topic);
        long start = System.currentTimeMillis();
        while (thread.isAlive() && (duration == 0 || System.currentTimeMillis() - start < duration * 1000)) {
            thread.join(10_000);
            System.out.printf(
                    Locale.ROOT, "simulate: %d sent (%d deliberately bad)%n", simulator.sent(), simulator.sentBad());
        }
        simulator.stop();
        thread.join(10_000);
        return 0;
    }
}
