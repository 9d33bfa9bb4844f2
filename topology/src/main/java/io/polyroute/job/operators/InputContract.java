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
package io.polyroute.job.operators;

import java.io.Serializable;
import java.util.List;

/**
 * What a record must satisfy to be served by a bundle, shipped to the decode operator.
 *
 * @param featureDim features per record
 * @param tasks the bundle's task vocabulary
 * @param requiresTask whether a stage routes on the task (then the task must be in the vocabulary)
 * @param maxRecordBytes largest accepted record value
 */
public record InputContract(int featureDim, List<String> tasks, boolean requiresTask, int maxRecordBytes)
        implements Serializable {}
