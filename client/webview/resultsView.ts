/** The Results tab: one card per block run (sent, response, list items as a sortable table, tied events). */
import { headersAsText, type RunView } from '../../protocol/src/webviewMessages';
import { button, el, formatTime, headerTable } from './dom';
import { itemColumns, sortItems } from './eventStore';
import type { PanelContext } from './state';

const MAX_RUNS = 200;
const MAX_ITEM_ROWS = 2000;

/** Opens the timeline on the call these header sets belong to. */
export type ShowCall = (headerSets: ReadonlyArray<ReadonlyArray<readonly [string, string]>>) => void;

function runSummary(run: RunView): string {
  const parts: string[] = [run.status];
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
  for (const item of run.items) text += headersAsText(item) + '\n';
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

  constructor(
    private readonly context: PanelContext,
    private readonly showCallOf: ShowCall,
  ) {
    this.element = el('section', { id: 'results-view', className: 'view' }, this.empty, this.list);
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
    const card = el('details', { className: `run status-${run.status}` });
    card.dataset.runId = run.id;
    card.open = true;
    const summary = el(
      'summary',
      {},
      el('span', { className: `badge ${run.status}`, text: run.status }),
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
    const copyRun = button('Copy as text', '', () => this.context.post({ type: 'copy', text: runAsText(run) }));
    copyRun.className = 'copy-run';
    card.append(copyRun);
    const callHeaders = [...run.events.map((e) => e.headers), ...run.items, ...(run.response ? [run.response] : [])];
    if (callHeaders.some((headers) => headers.some(([name]) => /uniqueid$|^linkedid$/i.test(name)))) {
      const showCall = button('Show call', '', () => this.showCallOf(callHeaders), 'Open the call this result names on the Timeline tab');
      showCall.className = 'show-call';
      card.append(showCall);
    }
    card.append(section('Sent', headerTable(run.sent)));
    if (run.response) card.append(section('Response', headerTable(run.response)));
    if (run.items.length > 0) card.append(section(`List items (${run.items.length})`, this.itemsTable(run)));
    if (run.events.length > 0) {
      const events = el('div', { className: 'run-events' });
      for (const event of run.events) {
        const item = el('details', {}, el('summary', { text: `${formatTime(event.time)} ${event.name}` }));
        item.append(headerTable(event.headers, (field) => this.context.fieldDoc(event.name, field)));
        events.append(item);
      }
      card.append(section(`Events (${run.events.length})`, events));
    }
    return card;
  }

  private itemsTable(run: RunView): HTMLElement {
    const columns = itemColumns(run.items);
    const wrapper = el('div', { className: 'items' });
    let sortColumn: string | undefined;
    let sortDirection: 'asc' | 'desc' = 'asc';
    const table = el('table', { className: 'list-items' });
    const head = el('thead');
    const headRow = el('tr');
    const body = el('tbody');
    const note = el('div', { className: 'note' });
    const fill = (): void => {
      const rows = sortColumn ? sortItems(run.items, sortColumn, sortDirection) : run.items;
      body.replaceChildren();
      for (const item of rows.slice(0, MAX_ITEM_ROWS)) {
        const values = new Map(item.map(([name, value]) => [name.toLowerCase(), value]));
        body.append(el('tr', {}, ...columns.map((column) => el('td', { text: values.get(column.toLowerCase()) ?? '' }))));
      }
      note.textContent = rows.length > MAX_ITEM_ROWS ? `showing the first ${MAX_ITEM_ROWS} of ${rows.length} items` : '';
    };
    const itemEvent = run.items[0]?.find(([name]) => name.toLowerCase() === 'event')?.[1];
    for (const column of columns) {
      const description = itemEvent ? this.context.fieldDoc(itemEvent, column) : undefined;
      const th = el('th', { text: column, title: description ? `${description}\n(click to sort)` : 'Sort by this column' });
      th.addEventListener('click', () => {
        sortDirection = sortColumn === column && sortDirection === 'asc' ? 'desc' : 'asc';
        sortColumn = column;
        for (const cell of Array.from(headRow.children)) cell.classList.remove('sorted-asc', 'sorted-desc');
        th.classList.add(`sorted-${sortDirection}`);
        fill();
      });
      headRow.append(th);
    }
    head.append(headRow);
    table.append(head, body);
    fill();
    wrapper.append(table, note);
    return wrapper;
  }
}
