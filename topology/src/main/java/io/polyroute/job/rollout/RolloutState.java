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
import java.util.TreeSet;

/**
 * The rollout state of one serving subtask and its transitions (docs/rollouts.md), without Flink:
 * commands are accepted or refused at once; what changes which version serves a record happens
 * only in {@link #atBarrier}, which the operator calls at every checkpoint barrier after its flush.
 * Every method returns the {@link Effects}: status records to write, and versions to load or
 * release.
 *
 * <p>A loaded candidate is activated only by a job-wide vote: every serving subtask publishes the
 * outcome of its load ({@link #onVote}) to the rollouts topic, which every serving subtask reads in
 * the same order between the same barriers. The first failure vote refuses the version on every
 * subtask (with that vote's reason); ok votes of all subtasks before any failure accept it, and
 * the next barrier at which this subtask holds the loaded candidate activates it. The votes seen
 * are part of the state, so a restore continues the count where the checkpoint left it.
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

    /** 1: before votes; 2: with the vote of the load in progress. */
    private static final int FORMAT = 2;

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

    /** The command whose load is in progress (a START, or a ROLLBACK loading the previous version); votes name it. */
    private String loadId = "";
    /** The parallelism the votes were counted for; votes of another one do not count. */
    private int voteParallelism;
    /** Subtasks that voted ok on the load in progress. */
    private final TreeSet<Integer> okVotes = new TreeSet<>();
    /** Every subtask voted ok before any failure: the candidate activates once loaded here. */
    private boolean accepted;
    /** The reason of the first failure vote: the candidate is refused at the next barrier. Null: none. */
    private String refusal;

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

    /** The command whose load is in progress (empty when none); votes name it. */
    public String loadId() {
        return phase == Phase.LOADING ? loadId : "";
    }

    /** Whether every subtask voted ok on the load in progress, before any failure. */
    public boolean accepted() {
        return accepted;
    }

    /** Whether the load in progress still waits for the vote: neither accepted nor refused. */
    public boolean voting() {
        return phase == Phase.LOADING && !accepted && refusal == null && !rollbackRequested;
    }

    /** Subtasks of {@code parallelism} whose ok vote on the load in progress has not been seen. */
    public List<Integer> missingVotes(int parallelism) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < parallelism; i++) {
            if (parallelism != voteParallelism || !okVotes.contains(i)) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * Counts votes for {@code parallelism} subtasks from now on: after a restore with another
     * parallelism the votes counted before do not count (every subtask loads and votes again).
     */
    public void countVotesOf(int parallelism) {
        if (parallelism != voteParallelism) {
            voteParallelism = parallelism;
            okVotes.clear();
            accepted = false;
        }
    }

    /**
     * A vote read from the rollouts topic: subtask {@code voter} of {@code parallelism} loaded
     * {@code version} for command {@code id} ({@code ok}) or failed ({@code reason}). Votes of
     * another load, of another parallelism than {@link #countVotesOf} set, or after the vote was
     * decided change nothing; a repeated vote counts once.
     *
     * @param self the index of the subtask that reads the vote: its own ok vote reports the count
     */
    public Effects onVote(String id, String version, int voter, int parallelism, boolean ok, String reason, int self) {
        Effects fx = Effects.none();
        if (!voting()
                || !id.equals(loadId)
                || !version.equals(candidate.id())
                || parallelism != voteParallelism
                || voter < 0
                || voter >= parallelism) {
            return fx;
        }
        if (!ok) {
            refusal = reason == null || reason.isEmpty() ? "Subtask " + voter + " refused " + version + "." : reason;
            return fx;
        }
        boolean counted = okVotes.add(voter);
        if (okVotes.size() == parallelism) {
            accepted = true;
        } else if (counted && voter == self) {
            fx.statuses()
                    .add(status(
                            RolloutPhase.LOADING,
                            candidate,
                            "Loaded on this subtask; waiting for the votes of " + (parallelism - okVotes.size())
                                    + " of " + parallelism + " subtasks (" + missingVotes(parallelism) + ")."));
        }
        return fx;
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
        beginVote(id);
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
        beginVote(id);
        fx.statuses().add(status(RolloutPhase.PENDING, candidate, "Rolls back to the previous version."));
        fx.statuses().add(status(RolloutPhase.LOADING, candidate, "Loading " + candidate.path() + "."));
        fx.load().add(candidate);
        return fx;
    }

    /**
     * The barrier step: applies a requested rollback or promotion, a refusal by vote, and the
     * activation of a candidate the vote accepted once {@code loaded} reports this subtask's load of
     * it (null while it runs). A failed load of this subtask refuses here only when the vote had
     * already accepted the version (a reload after a restore); otherwise its failure vote does.
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
        if (phase == Phase.LOADING && refusal != null) {
            VersionRef refused = candidate;
            String reason = refusal;
            fx.release().add(refused);
            clearRollout();
            fx.statuses().add(status(RolloutPhase.REFUSED, refused, reason));
        } else if (phase == Phase.LOADING
                && accepted
                && loaded != null
                && loaded.version().sameVersion(candidate)) {
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
        beginVote("");
    }

    private void beginVote(String id) {
        loadId = id;
        okVotes.clear();
        accepted = false;
        refusal = null;
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
            out.writeUTF(loadId);
            out.writeInt(voteParallelism);
            out.writeInt(okVotes.size());
            for (int v : okVotes) {
                out.writeInt(v);
            }
            out.writeBoolean(accepted);
            out.writeBoolean(refusal != null);
            if (refusal != null) {
                out.writeUTF(refusal);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A state written by {@link #toBytes()}. */
    public static RolloutState fromBytes(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int format = in.readInt();
            if (format != FORMAT && format != 1) {
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
            if (format == 1) {
                // Written before votes: a load in progress votes again after the restore.
                s.loadId = s.phase == Phase.LOADING ? s.commandId : "";
                return s;
            }
            s.loadId = in.readUTF();
            s.voteParallelism = in.readInt();
            for (int n = in.readInt(); n > 0; n--) {
                s.okVotes.add(in.readInt());
            }
            s.accepted = in.readBoolean();
            s.refusal = in.readBoolean() ? in.readUTF() : null;
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
        return "serving " + serving
                + (candidate == null
                        ? ""
                        : ", " + phase + " " + mode + " " + candidate + " (ok votes " + okVotes + " of "
                                + voteParallelism + (accepted ? ", accepted" : "")
                                + (refusal == null ? "" : ", refused") + ")");
    }
}
