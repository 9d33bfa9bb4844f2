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
package io.polyroute.job.rollout;

import io.polyroute.avro.RolloutMode;
import io.polyroute.avro.RolloutPhase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The rollout state of one serving subtask and its transitions (docs/rollouts.md), without Flink:
 * commands are accepted or refused at once; what changes which version serves a record happens
 * only in {@link #atBarrier}, which the operator calls at every checkpoint barrier after its flush.
 * Every method returns the {@link Effects}: status records to write, and versions to load or
 * release.
 */
public final class RolloutState {
    /** Where the rollout stands. */
    public enum Phase {
        /** One version serves every record; no rollout in progress. */
        IDLE,
        /** The candidate is being loaded; the serving version serves every record. */
        LOADING,
        /** The candidate is live as a canary or a shadow. */
        LIVE
    }

    /** What a transition asks of the operator. */
    public record Effects(List<Status> statuses, List<VersionRef> load, List<VersionRef> release) {
        static Effects none() {
            return new Effects(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }

        boolean isEmpty() {
            return statuses.isEmpty() && load.isEmpty() && release.isEmpty();
        }
    }

    /** A status record to write: the command it answers, the state, the version it is about and a reason. */
    public record Status(String commandId, RolloutPhase phase, String mode, String version, String reason) {}

    /** The outcome of loading the candidate, when it has finished. */
    public record LoadOutcome(VersionRef version, String failure) {
        public static LoadOutcome ok(VersionRef version) {
            return new LoadOutcome(version, null);
        }

        public static LoadOutcome failed(VersionRef version, String reason) {
            return new LoadOutcome(version, Objects.requireNonNull(reason, "reason"));
        }

        public boolean succeeded() {
            return failure == null;
        }
    }

    private static final int FORMAT = 1;

    private VersionRef serving;
    private VersionRef previous;
    private VersionRef candidate;
    private RolloutMode mode = RolloutMode.SWITCH;
    private double share;
    private Phase phase = Phase.IDLE;
    private String commandId = "";
    /** Issue time of the last accepted command: after a rescale the most recent state wins. */
    private long commandTime;

    private boolean promoteRequested;
    private boolean rollbackRequested;
    /** The candidate is the previous version, loaded again by a rollback: its activation is a ROLLED_BACK. */
    private boolean rollingBack;

    /** The state of a subtask that serves {@code base} and has seen no command. */
    public RolloutState(VersionRef base) {
        this.serving = Objects.requireNonNull(base, "base");
    }

    public VersionRef serving() {
        return serving;
    }

    public VersionRef candidate() {
        return candidate;
    }

    public VersionRef previous() {
        return previous;
    }

    public Phase phase() {
        return phase;
    }

    public RolloutMode mode() {
        return mode;
    }

    public double share() {
        return share;
    }

    public long commandTime() {
        return commandTime;
    }

    /** The version that serves the record with {@code eventId} now. */
    public VersionRef choose(String eventId) {
        if (phase == Phase.LIVE && mode == RolloutMode.CANARY && CanaryHash.inCanary(eventId, share)) {
            return candidate;
        }
        return serving;
    }

    /** The version that shadows every record now, or null. */
    public VersionRef shadow() {
        return phase == Phase.LIVE && mode == RolloutMode.SHADOW ? candidate : null;
    }

    /** Whether any record may be served or shadowed by another version than {@code base}. */
    public boolean involvesOtherThan(VersionRef base) {
        return !serving.sameVersion(base) || phase == Phase.LIVE;
    }

    /** Versions whose models must be resident now (serving, and a live candidate). */
    public List<VersionRef> resident() {
        List<VersionRef> out = new ArrayList<>();
        out.add(serving);
        if (phase == Phase.LIVE) {
            out.add(candidate);
        }
        return out;
    }

    /** A START: loads {@code version} to take traffic in {@code mode} (share for a canary). */
    public Effects start(String id, long issued, VersionRef version, RolloutMode startMode, double canaryShare) {
        Effects fx = Effects.none();
        if (phase != Phase.IDLE) {
            return refuse(
                    fx,
                    id,
                    startMode,
                    version,
                    "A rollout of " + candidate.id() + " is in progress (" + phase + "): promote or roll back first.");
        }
        if (version.sameVersion(serving)) {
            return refuse(fx, id, startMode, version, version.id() + " is already serving.");
        }
        if (startMode == RolloutMode.CANARY && !(canaryShare > 0 && canaryShare <= 1)) {
            return refuse(fx, id, startMode, version, "A canary needs a share in (0, 1], not " + canaryShare + ".");
        }
        accept(id, issued);
        candidate = version;
        mode = startMode;
        share = startMode == RolloutMode.CANARY ? canaryShare : 0;
        phase = Phase.LOADING;
        rollingBack = false;
        fx.statuses().add(status(RolloutPhase.PENDING, version, ""));
        fx.statuses().add(status(RolloutPhase.LOADING, version, "Loading " + version.path() + "."));
        fx.load().add(version);
        return fx;
    }

    /** A PROMOTE: the live (or loading) candidate becomes the serving version at the next barrier. */
    public Effects promote(String id, long issued) {
        Effects fx = Effects.none();
        if (phase == Phase.IDLE || rollbackRequested) {
            return refuse(fx, id, mode, serving, "There is no canary or shadow rollout to promote.");
        }
        accept(id, issued);
        if (phase == Phase.LOADING) {
            mode = RolloutMode.SWITCH;
            fx.statuses().add(status(RolloutPhase.PENDING, candidate, "Switches to it when it is loaded."));
        } else {
            promoteRequested = true;
            fx.statuses().add(status(RolloutPhase.PENDING, candidate, "Switches to it at the next checkpoint."));
        }
        return fx;
    }

    /**
     * A ROLLBACK: during a rollout the candidate is dropped at the next barrier; after a finished
     * switch it is a rollout (switch) to the previous version.
     */
    public Effects rollback(String id, long issued) {
        Effects fx = Effects.none();
        if (phase != Phase.IDLE) {
            accept(id, issued);
            rollbackRequested = true;
            fx.statuses().add(status(RolloutPhase.PENDING, candidate, "Drops it at the next checkpoint."));
            return fx;
        }
        if (previous == null) {
            return refuse(fx, id, RolloutMode.SWITCH, serving, "There is no previous version to roll back to.");
        }
        accept(id, issued);
        candidate = previous;
        mode = RolloutMode.SWITCH;
        share = 0;
        phase = Phase.LOADING;
        rollingBack = true;
        fx.statuses().add(status(RolloutPhase.PENDING, candidate, "Rolls back to the previous version."));
        fx.statuses().add(status(RolloutPhase.LOADING, candidate, "Loading " + candidate.path() + "."));
        fx.load().add(candidate);
        return fx;
    }

    /**
     * The barrier step: applies a requested rollback or promotion, and the candidate's load when
     * {@code loaded} reports it finished (null while it runs).
     */
    public Effects atBarrier(LoadOutcome loaded) {
        Effects fx = Effects.none();
        if (rollbackRequested) {
            VersionRef dropped = candidate;
            fx.release().add(dropped);
            clearRollout();
            fx.statuses().add(status(RolloutPhase.ROLLED_BACK, dropped, serving.id() + " serves every record."));
            return fx;
        }
        if (phase == Phase.LOADING && loaded != null && loaded.version().sameVersion(candidate)) {
            if (!loaded.succeeded()) {
                VersionRef refused = candidate;
                fx.release().add(refused);
                clearRollout();
                fx.statuses().add(status(RolloutPhase.REFUSED, refused, loaded.failure()));
            } else if (mode == RolloutMode.SWITCH) {
                boolean back = rollingBack;
                switchToCandidate(fx);
                fx.statuses()
                        .add(status(
                                back ? RolloutPhase.ROLLED_BACK : RolloutPhase.ACTIVE,
                                serving,
                                serving.id() + " serves every record."));
            } else {
                phase = Phase.LIVE;
                fx.statuses().add(status(RolloutPhase.ACTIVE, candidate, liveReason()));
            }
        } else if (phase == Phase.LIVE && promoteRequested) {
            mode = RolloutMode.SWITCH;
            switchToCandidate(fx);
            fx.statuses().add(status(RolloutPhase.ACTIVE, serving, serving.id() + " serves every record."));
        }
        return fx;
    }

    private String liveReason() {
        return mode == RolloutMode.CANARY
                ? "Serves " + CanaryHash.threshold(share) + " of " + CanaryHash.BUCKETS + " hash buckets of event ids."
                : "Shadows every record of " + serving.id() + ".";
    }

    private void switchToCandidate(Effects fx) {
        fx.release().add(serving);
        previous = serving;
        serving = candidate;
        clearRollout();
    }

    private void clearRollout() {
        candidate = null;
        phase = Phase.IDLE;
        share = 0;
        promoteRequested = false;
        rollbackRequested = false;
        rollingBack = false;
    }

    private void accept(String id, long issued) {
        commandId = id;
        commandTime = issued;
    }

    private Effects refuse(Effects fx, String id, RolloutMode m, VersionRef version, String reason) {
        fx.statuses().add(new Status(id, RolloutPhase.REFUSED, m.name(), version.id(), reason));
        return fx;
    }

    private Status status(RolloutPhase p, VersionRef version, String reason) {
        return new Status(commandId, p, mode.name(), version.id(), reason);
    }

    /** The state as bytes, for operator state. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(FORMAT);
            writeRef(out, serving);
            writeRef(out, previous);
            writeRef(out, candidate);
            out.writeUTF(mode.name());
            out.writeDouble(share);
            out.writeUTF(phase.name());
            out.writeUTF(commandId);
            out.writeLong(commandTime);
            out.writeBoolean(promoteRequested);
            out.writeBoolean(rollbackRequested);
            out.writeBoolean(rollingBack);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A state written by {@link #toBytes()}. */
    public static RolloutState fromBytes(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IllegalStateException("The checkpoint holds rollout state of format " + format
                        + "; this build reads format " + FORMAT + ".");
            }
            RolloutState s = new RolloutState(readRef(in));
            s.previous = readRef(in);
            s.candidate = readRef(in);
            s.mode = RolloutMode.valueOf(in.readUTF());
            s.share = in.readDouble();
            s.phase = Phase.valueOf(in.readUTF());
            s.commandId = in.readUTF();
            s.commandTime = in.readLong();
            s.promoteRequested = in.readBoolean();
            s.rollbackRequested = in.readBoolean();
            s.rollingBack = in.readBoolean();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the rollout state of the checkpoint.", e);
        }
    }

    private static void writeRef(DataOutputStream out, VersionRef ref) throws IOException {
        out.writeBoolean(ref != null);
        if (ref != null) {
            out.writeUTF(ref.name());
            out.writeUTF(ref.version());
            out.writeUTF(ref.path());
            out.writeUTF(ref.digest());
        }
    }

    private static VersionRef readRef(DataInputStream in) throws IOException {
        return in.readBoolean() ? new VersionRef(in.readUTF(), in.readUTF(), in.readUTF(), in.readUTF()) : null;
    }

    @Override
    public String toString() {
        return "serving " + serving + (candidate == null ? "" : ", " + phase + " " + mode + " " + candidate);
    }
}
