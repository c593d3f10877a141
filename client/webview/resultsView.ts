/** The Results tab: one card per block run (sent, response, list items as a sortable table, tied events). */
import { displayStatus, headersAsText, sentHeading, type RunView } from '../../protocol/src/webviewMessages';
import { button, el, headerTable } from './dom';
import { eventTime, eventTimeTitle } from './eventTime';
import { expectationsPart, listPart, type RunPartsHost } from './runParts';
import type { PanelContext } from './state';
import { ownValue } from '../../core/src/text/ownKeys';

const MAX_RUNS = 200;

/** Opens the timeline on the call these header sets belong to. */
export type ShowCall = (headerSets: ReadonlyArray<ReadonlyArray<readonly [string, string]>>) => void;

function runSummary(run: RunView): string {
  const parts: string[] = [displayStatus(run)];
  if (run.durationMs !== undefined) parts.push(`${Math.round(run.durationMs)} ms`);
  if (run.items.length > 0) parts.push(`${run.items.length} item${run.items.length === 1 ? '' : 's'}`);
  if (run.events.length > 0) parts.push(`${run.events.length} event${run.events.length === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

function runAsText(run: RunView): string {
  let text = `# ${run.title} (${run.source}) on ${run.connection}: ${runSummary(run)}\n`;
  if (run.error) text += `# ${run.error}\n`;
  text += headersAsText(run.sent) + '\n';
  if (run.response) text += headersAsText(run.response) + '\n';
  for (const expectation of run.expectations ?? []) text += `# @expect ${expectation.source}: ${expectation.status} (${expectation.detail})\n`;
  if (run.expectations?.length) text += '\n';
  for (const item of run.items) text += headersAsText(item) + '\n';
  if (run.complete) text += headersAsText(run.complete) + '\n';
  for (const event of run.events) text += headersAsText(event.headers) + '\n';
  return text;
}

function section(title: string, content: Node): HTMLElement {
  return el('div', { className: 'section' }, el('h4', { text: title }), content);
}

export class ResultsView {
  readonly element: HTMLElement;
  private readonly runs: RunView[] = [];
  private readonly list = el('div', { id: 'runs', className: 'runs' });
  private readonly empty = el('div', { className: 'empty', text: 'No block has run yet. Use ▶ Run above a block or Ctrl+Enter.' });
  private readonly partsHost: RunPartsHost;

  constructor(
    private readonly context: PanelContext,
    private readonly showCallOf: ShowCall,
  ) {
    this.element = el('section', { id: 'results-view', className: 'view' }, this.empty, this.list);
    const state = context.state;
    this.partsHost = {
      fieldDoc: (eventName, field) => context.fieldDoc(eventName, field),
      fieldOrder: (eventName) => Object.keys(ownValue(context.docs, eventName.toLowerCase()) ?? {}),
      copy: (text) => context.post({ type: 'copy', text }),
      rememberedColumns: (eventName) => ownValue(state.listColumns, eventName.toLowerCase()),
      rememberColumns: (eventName, columns) => {
        state.listColumns = { ...state.listColumns, [eventName.toLowerCase()]: [...columns] };
        context.save();
      },
    };
  }

  /** Adds a run at the top, or updates it in place. */
  upsert(run: RunView): void {
    const index = this.runs.findIndex((existing) => existing.id === run.id);
    if (index >= 0) this.runs[index] = run;
    else {
      this.runs.unshift(run);
      if (this.runs.length > MAX_RUNS) this.runs.length = MAX_RUNS;
    }
    const node = this.renderRun(run);
    const existing = this.list.querySelector<HTMLElement>(`[data-run-id="${CSS.escape(run.id)}"]`);
    if (existing) existing.replaceWith(node);
    else this.list.prepend(node);
    while (this.list.children.length > MAX_RUNS) this.list.lastElementChild?.remove();
    this.empty.classList.toggle('hidden', this.runs.length > 0);
  }

  /** Replaces every run (oldest first in `runs`, shown newest first). */
  replaceAll(runs: readonly RunView[]): void {
    this.runs.length = 0;
    this.runs.push(...runs.slice(-MAX_RUNS).reverse());
    this.render();
  }

  render(): void {
    this.list.replaceChildren(...this.runs.map((run) => this.renderRun(run)));
    this.empty.classList.toggle('hidden', this.runs.length > 0);
  }

  private renderRun(run: RunView): HTMLElement {
    const status = displayStatus(run);
    const card = el('details', { className: `run status-${status}` });
    card.dataset.runId = run.id;
    card.open = true;
    const summary = el(
      'summary',
      {},
      el('span', { className: `badge ${status}`, text: status, title: status !== run.status ? `The server answered ${run.status}; an expectation failed.` : undefined }),
      el('span', { className: 'run-title', text: run.title }),
      el('span', {
        className: 'run-meta',
        text:
          `${runSummary(run)} · ${run.source} · ${run.connection}` +
          (run.actionId ? ` · ActionID ${run.actionId}` : '') +
          (run.userActionId ? ` (written: ${run.userActionId})` : ''),
      }),
    );
    card.append(summary);
    if (run.error) card.append(el('div', { className: 'run-error', text: run.error }));
    if (run.listIncomplete) card.append(el('div', { className: 'list-incomplete', text: `List incomplete: ${run.listIncomplete}` }));
    const expectations = expectationsPart(run);
    if (expectations) card.append(expectations);
    const copyRun = button('Copy as text', '', () => this.context.post({ type: 'copy', text: runAsText(run) }));
    copyRun.className = 'copy-run';
    const openText = button('Open as text', '', () => this.context.post({ type: 'openAsText', runId: run.id }), 'The whole result in a read-only editor: search, diff, save');
    openText.className = 'open-as-text';
    card.append(copyRun, openText);
    const callHeaders = [...run.events.map((e) => e.headers), ...run.items, ...(run.response ? [run.response] : [])];
    if (callHeaders.some((headers) => headers.some(([name]) => /uniqueid$|^linkedid$/i.test(name)))) {
      const showCall = button('Show call', '', () => this.showCallOf(callHeaders), 'Open the call this result names on the Timeline tab');
      showCall.className = 'show-call';
      card.append(showCall);
    }
    card.append(section(sentHeading(run), headerTable(run.sent)));
    if (run.response) card.append(section('Response', headerTable(run.response)));
    const list = listPart(run, this.partsHost);
    if (list) card.append(list);
    if (run.events.length > 0) {
      const events = el('div', { className: 'run-events' });
      for (const event of run.events) {
        const time = eventTime(event);
        const item = el('details', {}, el('summary', { text: `${time.text} ${event.name}`, title: eventTimeTitle(time) }));
        item.append(headerTable(event.headers, (field) => this.context.fieldDoc(event.name, field)));
        events.append(item);
      }
      card.append(section(`Events (${run.events.length})`, events));
    }
    return card;
  }
}
