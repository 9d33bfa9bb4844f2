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
package io.polyroute.monitor.drift;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polyroute.monitor.aggregate.AggregateSerde;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * One alert about one source, as written to the alerts topic (JSON, keyed by the source id) and
 * kept for the API. An episode writes two records with the same {@code id}: one {@code OPEN} when
 * it is raised and one {@code CLEARED} when the source is back to normal.
 *
 * @param id stable id of the episode: {@code <kind>/<source>/<stage>/<raisedAt>}
 * @param kind what is wrong
 * @param state {@code OPEN} or {@code CLEARED}
 * @param sourceId the source
 * @param stage the stage whose routing drifted; null for silence and dead letters
 * @param score the drift score (JS divergence, bits), dead-letter share, or seconds of silence at this record
 * @param threshold the threshold the score was compared with
 * @param gained experts whose share grew by at least 5 points, largest gain first (drift only)
 * @param lost experts whose share fell by at least 5 points, largest loss first (drift only)
 * @param windowStart start of the current window the score was computed over (epoch ms)
 * @param windowEnd end of that window (the evaluation time)
 * @param samples records of the source in that window
 * @param raisedAt when the episode was raised
 * @param clearedAt when it cleared; null while open
 * @param message a sentence for people
 */
public record Alert(
        String id,
        Kind kind,
        State state,
        String sourceId,
        Integer stage,
        Double score,
        double threshold,
        List<ExpertShift> gained,
        List<ExpertShift> lost,
        long windowStart,
        long windowEnd,
        long samples,
        long raisedAt,
        Long clearedAt,
        String message) {

    private static final ObjectMapper JSON =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** What an alert is about. */
    public enum Kind {
        /** The source's routing moved away from its reference. */
        DRIFT,
        /** The source's records stopped. */
        SILENCE,
        /** The source's share of dead letters rose. */
        DEAD_LETTERS
    }

    /** Whether the episode is going on. */
    public enum State {
        OPEN,
        CLEARED
    }

    /**
     * One expert's share of a stage's selections in the reference and in the current window.
     *
     * @param expert the expert
     * @param referenceShare its share in the reference (0 to 1)
     * @param currentShare its share in the current window
     */
    public record ExpertShift(int expert, double referenceShare, double currentShare) {}

    /** The id of an episode. */
    static String id(Kind kind, String sourceId, Integer stage, long raisedAt) {
        return kind + "/" + sourceId + "/" + (stage == null ? "-" : stage.toString()) + "/" + raisedAt;
    }

    /** This episode, cleared at {@code timeMs} with the final figures. */
    Alert cleared(long timeMs, Double finalScore, long start, long samples, String why) {
        return new Alert(
                id,
                kind,
                State.CLEARED,
                sourceId,
                stage,
                finalScore,
                threshold,
                gained,
                lost,
                start,
                timeMs,
                samples,
                raisedAt,
                timeMs,
                why);
    }

    /** The alert as JSON. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads an alert written by {@link #toJson()}. */
    public static Alert fromJson(String json) {
        try {
            return JSON.readValue(json, Alert.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("Not an alert: " + e.getMessage(), e);
        }
    }

    /** The serde of the alert store. */
    public static AggregateSerde<Alert> serde() {
        return AggregateSerde.of(
                Alert.class,
                a -> a.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b -> fromJson(new String(b, java.nio.charset.StandardCharsets.UTF_8)));
    }
}
