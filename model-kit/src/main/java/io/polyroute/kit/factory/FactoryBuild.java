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

import io.polyroute.runtime.bundle.ModelBundle;
import java.time.Duration;

/**
 * The result of {@link FactoryModelKit#build}.
 *
 * @param bundle the written bundle, loaded and validated
 * @param report the held-out quality figures (also in the manifest's {@code quality} map)
 * @param elapsed wall-clock time of the whole build
 */
public record FactoryBuild(ModelBundle bundle, QualityReport report, Duration elapsed) {}
