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
package io.polyroute.job;

import io.polyroute.job.config.ConfigException;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.JobOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Comparator;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;

/**
 * Where a started job takes its state from: nothing (a fresh start; the Kafka source then resumes
 * from the consumer group's committed offsets, but dedupe state, COMBINE's pending records and the
 * balancing bias start empty), a savepoint, or a retained checkpoint. Applied through Flink's
 * {@link SavepointRestoreSettings} ({@code execution.state-recovery.path}), so it works the same on
 * the local MiniCluster and on a cluster reached with {@code --jobmanager}.
 *
 * @param path the savepoint or checkpoint folder, or null for a fresh start
 * @param allowNonRestoredState whether state in the snapshot that no operator claims may be skipped
 */
public record JobRestore(String path, boolean allowNonRestoredState) {
    /** A fresh start. */
    public static final JobRestore NONE = new JobRestore(null, false);

    /** From the savepoint (or retained checkpoint) at {@code path}. */
    public static JobRestore fromSavepoint(String path, boolean allowNonRestoredState) {
        return new JobRestore(path, allowNonRestoredState);
    }

    /**
     * From the newest completed checkpoint of this job: the {@code chk-N} folder with a
     * {@code _metadata} file under {@code job.checkpoint-dir} (locally, by default,
     * {@code <tmp>/polyroute-checkpoints/<job.name>}) with the newest metadata.
     *
     * @throws ConfigException naming {@code job.checkpoint-dir} when it holds no completed checkpoint
     */
    public static JobRestore latestCheckpoint(JobConfig config, boolean allowNonRestoredState) {
        String dir = JobLauncher.checkpointDir(config);
        return new JobRestore(
                findLatestCheckpoint(dir)
                        .orElseThrow(() -> new ConfigException(
                                JobOptions.CHECKPOINT_DIR.key(),
                                "No completed checkpoint of job '" + config.get(JobOptions.NAME) + "' under "
                                        + JobOptions.CHECKPOINT_DIR.key() + "=" + dir + " (looked for"
                                        + " <job-id>/chk-<n>/_metadata). Start without"
                                        + " --from-latest-checkpoint, or name a savepoint with --from-savepoint.")),
                allowNonRestoredState);
    }

    /** The newest {@code <job-id>/chk-<n>} folder under {@code dir} that has a {@code _metadata} file. */
    static Optional<String> findLatestCheckpoint(String dir) {
        try {
            Path root = new Path(URI.create(dir.contains(":") ? dir : "file://" + dir));
            FileSystem fs = root.getFileSystem();
            if (!fs.exists(root)) {
                return Optional.empty();
            }
            FileStatus newest = null;
            for (FileStatus job : list(fs, root)) {
                if (!job.isDir()) {
                    continue;
                }
                for (FileStatus chk : list(fs, job.getPath())) {
                    if (!chk.isDir() || !chk.getPath().getName().startsWith("chk-")) {
                        continue;
                    }
                    Path metadata = new Path(chk.getPath(), "_metadata");
                    if (fs.exists(metadata)) {
                        FileStatus m = fs.getFileStatus(metadata);
                        if (newest == null
                                || Comparator.comparingLong(FileStatus::getModificationTime)
                                                .compare(m, newest)
                                        > 0) {
                            newest = m;
                        }
                    }
                }
            }
            return Optional.ofNullable(newest).map(m -> m.getPath().getParent().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the checkpoints under " + dir + ": " + e.getMessage(), e);
        }
    }

    private static FileStatus[] list(FileSystem fs, Path dir) throws IOException {
        FileStatus[] s = fs.listStatus(dir);
        return s == null ? new FileStatus[0] : s;
    }

    /** Writes these settings into a job's Flink configuration. */
    public void applyTo(Configuration configuration) {
        SavepointRestoreSettings.toConfiguration(
                path == null
                        ? SavepointRestoreSettings.none()
                        : SavepointRestoreSettings.forPath(path, allowNonRestoredState),
                configuration);
    }
}
