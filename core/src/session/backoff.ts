/** Reconnect delays: exponential, jittered, capped (docs/protocol.md: "capped near 60 s"). */

/** Backoff settings. */
export interface BackoffOptions {
  /** First delay before jitter (default 1000 ms). */
  initialMs: number;
  /** Upper bound of any delay (default 60000 ms). */
  maxMs: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({ initialMs: 1000, maxMs: 60_000 });

/**
 * Delay before reconnect attempt `attempt` (0 = first retry): the exponential step min(max, initial·2^attempt),
 * with "equal jitter" (half fixed, half random) so many clients do not reconnect in step. Never above maxMs.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const step = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(Math.max(0, attempt), 30));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.min(options.maxMs, Math.round(step / 2 + (r * step) / 2));
}
