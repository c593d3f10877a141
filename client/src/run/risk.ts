/**
 * Why an action needs a confirmation before it is sent, as one sentence, or undefined: the docs/security.md rules of
 * core/src/safety/dangerous.ts, phrased for the confirmation modal.
 */
import { assessDanger } from '../../../core/src/safety/dangerous';

/** The reason this action (headers as they will be sent) is dangerous, or undefined. */
export function assessRisk(action: string, headers: ReadonlyArray<readonly [string, string]>): string | undefined {
  const assessment = assessDanger(action, headers);
  if (!assessment.dangerous) return undefined;
  return `${assessment.reason ?? `${action} is a dangerous action`}.`;
}
