/**
 * A run as a plain-text document ("Open as text"): everything the card shows, in AMI's own `Name: value` form, so
 * it can be searched, diffed and saved. Pure; redaction already happened when the run was recorded.
 */
import { displayStatus, sentHeading, type HeaderPair, type RunView, type StreamEvent } from '../../../protocol/src/webviewMessages';

function block(headers: readonly HeaderPair[]): string {
  return headers.map(([name, value]) => `${name}: ${value}`).join('\n') + '\n';
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The event's Timestamp header if it has one, else its receive time. */
function when(event: StreamEvent): string {
  const stamp = event.headers.find(([name]) => name.toLowerCase() === 'timestamp')?.[1];
  return stamp !== undefined ? `server ${stamp}` : `received ${iso(event.time)}`;
}

/** The whole result of a run as text. */
export function runAsDocument(run: RunView): string {
  const out: string[] = [];
  out.push(`# ${run.title} — ${run.action} on ${run.connection}`);
  out.push(`# ${displayStatus(run).toUpperCase()}${run.status !== displayStatus(run) ? ` (server answered ${run.status}; an expectation failed)` : ''}` +
    `${run.durationMs !== undefined ? ` in ${Math.round(run.durationMs)} ms` : ''} · ${run.source} · started ${iso(run.startedAt)}${run.actionId ? ` · ActionID ${run.actionId}` : ''}`);
  if (run.error) out.push(`# ${run.error}`);
  if (run.listIncomplete) out.push(`# list incomplete: ${run.listIncomplete}`);
  out.push('');
  if (run.expectations?.length) {
    out.push('## Expectations');
    for (const expectation of run.expectations) out.push(`${{ pass: '✓', fail: '✗', pending: '…' }[expectation.status]} @expect ${expectation.source} — ${expectation.detail}`);
    out.push('');
  }
  out.push(`## ${sentHeading(run)}`, block(run.sent));
  if (run.response) out.push('## Response', block(run.response));
  if (run.items.length > 0) {
    out.push(`## List (${run.items.length} item${run.items.length === 1 ? '' : 's'})`);
    for (const item of run.items) out.push(block(item));
  }
  if (run.complete) out.push('## List complete', block(run.complete));
  if (run.events.length > 0) {
    out.push(`## Events (${run.events.length})`);
    for (const event of run.events) out.push(`# ${when(event)}`, block(event.headers));
  }
  return out.join('\n');
}

/** A file-name-safe label for the document tab. */
export function resultDocumentName(run: Pick<RunView, 'title' | 'action' | 'startedAt'>): string {
  const stamp = new Date(run.startedAt).toISOString().replace(/[:.]/g, '-').replace(/Z$/, '');
  const title = (run.title || run.action).replace(/[^A-Za-z0-9._ -]+/g, '_').slice(0, 60).trim() || 'result';
  return `${title} ${stamp}.txt`;
}
