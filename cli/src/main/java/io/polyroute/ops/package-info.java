/**
 * Operations tooling for a Polyroute deployment on a real cluster: creating replicated topics,
 * producing deterministic sensor readings at a chosen rate, submitting the job, and verifying the
 * committed predictions while processes are killed (the chaos and overload scripts under
 * {@code ops/chaos}). Entry point: {@link io.polyroute.ops.OpsTool}.
 */
package io.polyroute.ops;
