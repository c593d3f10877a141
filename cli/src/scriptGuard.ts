/**
 * The checks every `ami` command makes before it sends a script: no lone CR, no secret written in the file,
 * no Login/Challenge block, and no dangerous action unless `--allow-dangerous` names the intent.
 */
import { dangerOf, dangerousBlocks, sendRefusals } from '../../core/src/safety/sendChecks';
import type { Script } from '../../core/src/script/types';
import { UsageError } from './options';

/** Help line of the option. */
export const ALLOW_DANGEROUS_HELP = `  --allow-dangerous        send dangerous actions (Command, Originate of System/Exec, UpdateConfig, Shutdown...);
                           without it a script that has one is refused. The allowed ones are named in the output`;

/** Throws a UsageError listing every reason not to send `script` (read from `file`). */
export function refuseUnsafeScript(file: string, text: string, script: Script, allowDangerous: boolean): void {
  const reasons = sendRefusals(text, script).map((refusal) => `  ${file}:${refusal.line}: ${refusal.message}`);
  if (!allowDangerous) {
    for (const found of dangerousBlocks(script)) {
      reasons.push(`  ${file}:${found.line}: dangerous: ${found.reason}; nothing is sent without --allow-dangerous (ami-dangerous-action)`);
    }
  }
  if (reasons.length > 0) throw new UsageError(`${file} was not sent:\n${reasons.join('\n')}`);
}

/**
 * The check right before a block goes out, on its headers with variables filled in (a variable can make a
 * block dangerous): undefined to send, or why it is refused. `onAllowed` hears each dangerous block allowed.
 */
export function dangerGate(allowDangerous: boolean, onAllowed: (reason: string) => void): (headers: ReadonlyArray<readonly [string, string]>) => string | undefined {
  return (headers) => {
    const reason = dangerOf(headers);
    if (reason === undefined) return undefined;
    if (!allowDangerous) return `Not sent: dangerous once its variables were filled in: ${reason}; pass --allow-dangerous to send it.`;
    onAllowed(reason);
    return undefined;
  };
}
