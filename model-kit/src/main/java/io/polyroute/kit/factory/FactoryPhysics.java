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
package io.polyroute.kit.factory;

import io.polyroute.kit.factory.SensorChannel.Group;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The generative model of the synthetic factory: how each machine type turns its latent operating
 * state {@code z = (load, speed, wear) ∈ [0,1]³} into 32 sensor readings, and how its health
 * depends on that state.
 *
 * <p>The model's own parameters are fixed (drawn from {@link #STRUCTURE_SEED}), not taken from the
 * caller's seed: every bundle built by the kit and every simulator run describe the same factory,
 * so a demo simulator with any seed feeds data the bundle was trained for. Callers' seeds only
 * choose the operating states, machines and sensor noise.
 */
final class FactoryPhysics {
    /** Seed of the factory's structure; changing it describes a different factory. */
    static final long STRUCTURE_SEED = 0x5EED_F00DL;
    /** Sensor noise, as a fraction of each channel's span. */
    static final double NOISE = 0.03;

    static final List<String> REGIMES =
            List.of("press", "lathe", "mill", "pump", "compressor", "extruder", "welder", "conveyor");

    static final List<SensorChannel> CHANNELS = List.of(
            new SensorChannel("motor_temp_c", Group.TEMPERATURE, 55, 20),
            new SensorChannel("bearing_de_temp_c", Group.TEMPERATURE, 48, 15),
            new SensorChannel("bearing_nde_temp_c", Group.TEMPERATURE, 45, 14),
            new SensorChannel("oil_temp_c", Group.TEMPERATURE, 50, 18),
            new SensorChannel("coolant_in_temp_c", Group.TEMPERATURE, 25, 6),
            new SensorChannel("coolant_out_temp_c", Group.TEMPERATURE, 35, 10),
            new SensorChannel("housing_temp_c", Group.TEMPERATURE, 40, 12),
            new SensorChannel("exhaust_temp_c", Group.TEMPERATURE, 70, 30),
            new SensorChannel("vib_x_1x_mm_s", Group.VIBRATION, 2.0, 2.0),
            new SensorChannel("vib_x_2x_mm_s", Group.VIBRATION, 1.0, 1.2),
            new SensorChannel("vib_x_hf_g", Group.VIBRATION, 0.5, 0.6),
            new SensorChannel("vib_y_1x_mm_s", Group.VIBRATION, 2.0, 2.0),
            new SensorChannel("vib_y_2x_mm_s", Group.VIBRATION, 1.0, 1.2),
            new SensorChannel("vib_y_hf_g", Group.VIBRATION, 0.5, 0.6),
            new SensorChannel("vib_z_1x_mm_s", Group.VIBRATION, 1.5, 1.5),
            new SensorChannel("vib_z_hf_g", Group.VIBRATION, 0.4, 0.5),
            new SensorChannel("vib_rms_mm_s", Group.VIBRATION, 3.0, 2.5),
            new SensorChannel("vib_kurtosis", Group.VIBRATION, 3.0, 1.5),
            new SensorChannel("hydraulic_pressure_bar", Group.PRESSURE, 150, 40),
            new SensorChannel("lube_pressure_bar", Group.PRESSURE, 3.0, 1.0),
            new SensorChannel("inlet_pressure_bar", Group.PRESSURE, 1.5, 0.5),
            new SensorChannel("outlet_pressure_bar", Group.PRESSURE, 8.0, 3.0),
            new SensorChannel("filter_dp_bar", Group.PRESSURE, 0.3, 0.2),
            new SensorChannel("pneumatic_pressure_bar", Group.PRESSURE, 6.0, 1.0),
            new SensorChannel("current_a_a", Group.ELECTRICAL, 40, 20),
            new SensorChannel("current_b_a", Group.ELECTRICAL, 40, 20),
            new SensorChannel("current_c_a", Group.ELECTRICAL, 40, 20),
            new SensorChannel("current_rms_a", Group.ELECTRICAL, 40, 20),
            new SensorChannel("current_thd_pct", Group.ELECTRICAL, 4.0, 3.0),
            new SensorChannel("power_kw", Group.ELECTRICAL, 22, 12),
            new SensorChannel("spindle_speed_rpm", Group.PROCESS, 1500, 800),
            new SensorChannel("acoustic_db", Group.PROCESS, 75, 10));

    static final int FEATURES = 32;
    static final int LATENT = 3;
    /** Terms of the smooth physical response: L, S, W, LS, WS, LW, L², S², W² (each centred). */
    private static final int BASIS = 9;

    private static final double[] BASIS_CENTRE = {0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 1.0 / 3, 1.0 / 3, 1.0 / 3};
    /** Hidden units of each machine type's own nonlinear response. */
    private static final int HIDDEN = 6;
    /** Spread of the machine types' baseline readings, in channel spans. */
    private static final double SIGNATURE = 0.16;
    /** Share of operating states the health threshold marks as anomalous. */
    static final double ANOMALY_SHARE = 0.15;
    /** Points per axis of the grid over the operating envelope that calibrates each health score. */
    private static final int CALIBRATION_GRID = 24;

    private static final FactoryPhysics INSTANCE = new FactoryPhysics();

    private final double[][] signature = new double[REGIMES.size()][FEATURES];
    private final double[][][] physGain = new double[REGIMES.size()][FEATURES][BASIS];
    private final double[][][] hiddenIn = new double[REGIMES.size()][HIDDEN][LATENT + 1];
    private final double[][][] hiddenOut = new double[REGIMES.size()][FEATURES][HIDDEN];
    private final double[] healthCentre = new double[REGIMES.size()];
    private final double[] healthGain = new double[REGIMES.size()];

    private FactoryPhysics() {
        SplittableRandom rnd = new SplittableRandom(STRUCTURE_SEED);
        for (int r = 0; r < REGIMES.size(); r++) {
            for (int c = 0; c < FEATURES; c++) {
                signature[r][c] = SIGNATURE * rnd.nextGaussian();
                double[] template = template(CHANNELS.get(c).group());
                for (int m = 0; m < BASIS; m++) {
                    physGain[r][c][m] = template[m] * (1.0 + 0.5 * rnd.nextGaussian());
                }
            }
            for (int j = 0; j < HIDDEN; j++) {
                for (int a = 0; a < LATENT; a++) {
                    hiddenIn[r][j][a] = 1.5 * rnd.nextGaussian();
                }
                hiddenIn[r][j][LATENT] = 0.5 * rnd.nextGaussian();
            }
            for (int c = 0; c < FEATURES; c++) {
                for (int j = 0; j < HIDDEN; j++) {
                    hiddenOut[r][c][j] = 0.3 / Math.sqrt(HIDDEN) * rnd.nextGaussian();
                }
            }
        }
        calibrateHealth();
    }

    static FactoryPhysics get() {
        return INSTANCE;
    }

    /** Relative weights of the basis terms for each kind of channel, before per-machine-type jitter. */
    private static double[] template(Group g) {
        return switch (g) {
            case TEMPERATURE -> new double[] {0.8, 0.3, 0.1, 0.6, 0.5, 0.0, 0.0, 0.0, 0.2};
            case VIBRATION -> new double[] {0.1, 0.6, 0.4, 0.0, 0.9, 0.0, 0.0, 0.5, 0.6};
            case PRESSURE -> new double[] {0.9, -0.3, 0.2, 0.2, 0.0, 0.3, 0.2, 0.0, 0.0};
            case ELECTRICAL -> new double[] {1.0, 0.3, 0.2, 0.5, 0.0, 0.2, 0.0, 0.0, 0.0};
            case PROCESS -> new double[] {0.2, 1.0, -0.1, 0.0, 0.0, 0.0, 0.0, 0.0, 0.3};
        };
    }

    /** Writes the 32 readings of a machine of type {@code regime} in state {@code z} into {@code out}. */
    void features(int regime, double[] z, RandomGenerator noise, float[] out) {
        double[] basis = basis(z);
        double[] hidden = new double[HIDDEN];
        for (int j = 0; j < HIDDEN; j++) {
            double[] w = hiddenIn[regime][j];
            double s = w[LATENT];
            for (int a = 0; a < LATENT; a++) {
                s += w[a] * (2.0 * z[a] - 1.0);
            }
            hidden[j] = Math.tanh(s);
        }
        for (int c = 0; c < FEATURES; c++) {
            double u = signature[regime][c];
            double[] g = physGain[regime][c];
            for (int m = 0; m < BASIS; m++) {
                u += g[m] * basis[m];
            }
            double[] h = hiddenOut[regime][c];
            for (int j = 0; j < HIDDEN; j++) {
                u += h[j] * hidden[j];
            }
            u += NOISE * noise.nextGaussian();
            SensorChannel ch = CHANNELS.get(c);
            out[c] = (float) (ch.base() + ch.span() * u);
        }
    }

    private static double[] basis(double[] z) {
        double l = z[0];
        double s = z[1];
        double w = z[2];
        double[] b = {l, s, w, l * s, w * s, l * w, l * l, s * s, w * w};
        for (int m = 0; m < BASIS; m++) {
            b[m] -= BASIS_CENTRE[m];
        }
        return b;
    }

    /**
     * The raw health stress of a machine type: a different physical story per type, all growing
     * with wear. Calibrated into log-odds by {@link #healthLogit}.
     */
    static double stress(int regime, double[] z) {
        double l = z[0];
        double s = z[1];
        double w = z[2];
        return switch (regime) {
            case 0 -> w * (0.4 + l); // press: wear under load
            case 1 -> 0.7 * w + 0.5 * Math.exp(-sq((s - 0.7) / 0.12)); // lathe: chatter at a resonant speed
            case 2 -> Math.max(l - 0.55, 0.0) * (1.0 + 2.0 * w) + 0.2 * w; // mill: overload threshold
            case 3 -> s - l + 0.6 * w; // pump: cavitation at high speed and low load
            case 4 -> sq(l - 0.45) + sq(s - 0.55) + 0.15 * w; // compressor: off its design point
            case 5 -> 0.5 * Math.sin(2.0 * Math.PI * (l + 0.5 * w)) + w; // extruder: thermal cycling
            case 6 -> w * s + 0.3 * (1.0 - l) * w; // welder: tip wear with duty
            case 7 -> Math.abs(l - s) + w * w; // conveyor: belt slip when load and speed disagree
            default -> throw new IllegalArgumentException("Unknown machine type index " + regime + ".");
        };
    }

    /** Log-odds of the anomaly: positive for the {@link #ANOMALY_SHARE} worst operating states. */
    double healthLogit(int regime, double[] z) {
        return healthGain[regime] * (stress(regime, z) - healthCentre[regime]);
    }

    /** Health score in (0, 1): 0 healthy, 1 failing; above 0.5 counts as an anomaly. */
    double healthScore(int regime, double[] z) {
        return sigmoid(healthLogit(regime, z));
    }

    static double sigmoid(double v) {
        return 1.0 / (1.0 + Math.exp(-v));
    }

    /**
     * Puts each type's threshold at the quantile that marks {@link #ANOMALY_SHARE} of a regular grid
     * over the operating envelope anomalous, and scales its log-odds to a common spread.
     */
    private void calibrateHealth() {
        int g = CALIBRATION_GRID;
        double[] values = new double[g * g * g];
        double[] z = new double[LATENT];
        for (int r = 0; r < REGIMES.size(); r++) {
            int i = 0;
            double sum = 0.0;
            double sumSq = 0.0;
            for (int a = 0; a < g; a++) {
                for (int b = 0; b < g; b++) {
                    for (int c = 0; c < g; c++) {
                        z[0] = (a + 0.5) / g;
                        z[1] = (b + 0.5) / g;
                        z[2] = (c + 0.5) / g;
                        double v = stress(r, z);
                        values[i++] = v;
                        sum += v;
                        sumSq += v * v;
                    }
                }
            }
            double mean = sum / values.length;
            double sd = Math.sqrt(Math.max(sumSq / values.length - mean * mean, 1e-12));
            double[] sorted = values.clone();
            java.util.Arrays.sort(sorted);
            healthCentre[r] = sorted[(int) Math.floor((1.0 - ANOMALY_SHARE) * sorted.length)];
            healthGain[r] = 3.0 / sd;
        }
    }

    private static double sq(double v) {
        return v * v;
    }
}
