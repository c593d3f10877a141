/**
 * Parts of a result card: the `@expect` lines with their outcome, and list results as one table per event kind
 * (column chooser remembered per kind, sort, copy as CSV/TSV, the completion event and its ListItems check).
 * Server values are only ever set as text.
 */
import type { HeaderPair, RunView } from '../../protocol/src/webviewMessages';
import { sortItems } from './eventStore';
import { checkList, groupListItems, tableText, visibleColumns, type ListGroup } from './listTables';

/** What the card parts need from the panel. */
export interface RunPartsHost {
  fieldDoc(eventName: string, field: string): string | undefined;
  /** Field names of an event in the catalogue's order (a column order for kinds without a preferred one). */
  fieldOrder?(eventName: string): readonly string[] | undefined;
  copy(text: string, what: string): void;
  /** The columns the user chose for this event kind, if any. */
  rememberedColumns(eventName: string): readonly string[] | undefined;
  rememberColumns(eventName: string, columns: readonly string[]): void;
}

/** Most rows drawn per table (the copy and the sort use them all). */
export const MAX_TABLE_ROWS = 2000;

function make<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function smallButton(text: string, className: string, title: string, onClick: () => void): HTMLButtonElement {
  const node = make('button', className, text);
  node.type = 'button';
  node.title = title;
  node.addEventListener('click', onClick);
  return node;
}

const MARKS = { pass: '✓', fail: '✗', pending: '…' } as const;

/** The block's expectations, one line each: mark, the line as written, and what happened. */
export function expectationsPart(run: RunView): HTMLElement | undefined {
  const expectations = run.expectations;
  if (!expectations || expectations.length === 0) return undefined;
  const list = make('ul', 'expectations');
  for (const expectation of expectations) {
    const line = make('li', `expectation ${expectation.status}`);
    line.append(make('span', 'mark', MARKS[expectation.status]), make('code', 'source', `@expect ${expectation.source}`), make('span', 'detail', expectation.detail));
    list.append(line);
  }
  const failed = expectations.filter((e) => e.status === 'fail').length;
  const pending = expectations.filter((e) => e.status === 'pending').length;
  const title = `Expectations (${failed > 0 ? `${failed} of ${expectations.length} failed` : pending > 0 ? `${pending} of ${expectations.length} pending` : `${expectations.length} passed`})`;
  const wrapper = make('div', 'section expectations-section');
  wrapper.append(make('h4', undefined, title), list);
  return wrapper;
}

/** The list part of a card: the completion check, then one table per event kind. */
export function listPart(run: RunView, host: RunPartsHost): HTMLElement | undefined {
  const responseSaysList = run.response?.some(([name, value]) => name.toLowerCase() === 'eventlist' && value.toLowerCase() === 'start') ?? false;
  if (run.items.length === 0 && !run.complete && !responseSaysList) return undefined;
  const wrapper = make('div', 'section list-section');
  const groups = groupListItems(run.items, (event) => host.fieldOrder?.(event));
  const kinds = groups.map((group) => `${group.rows.length} ${group.event}`).join(', ');
  wrapper.append(make('h4', undefined, `List (${run.items.length} item${run.items.length === 1 ? '' : 's'}${groups.length > 1 ? `: ${kinds}` : ''})`));
  const check = checkList(run.items, run.complete);
  const checkLine = make('div', `list-check ${check.matches === false || !run.complete ? 'bad' : check.matches ? 'good' : ''}`, check.text);
  wrapper.append(checkLine);
  for (const group of groups) wrapper.append(groupTable(group, host));
  if (run.complete) {
    // A toggle rather than <details>: the card itself is a <details> whose <summary> is its title line.
    const headers = headerList(run.complete);
    headers.classList.add('hidden', 'list-complete-headers');
    const toggle = smallButton(`${check.event ?? 'Completion event'}: all headers`, 'list-complete', 'Show the completion event as received', () => {
      headers.classList.toggle('hidden');
    });
    wrapper.append(toggle, headers);
  }
  return wrapper;
}

function headerList(headers: readonly HeaderPair[]): HTMLTableElement {
  const table = make('table', 'headers');
  const body = make('tbody');
  for (const [name, value] of headers) {
    const row = make('tr');
    row.append(make('th', undefined, name), make('td', undefined, value));
    body.append(row);
  }
  table.append(body);
  return table;
}

function groupTable(group: ListGroup, host: RunPartsHost): HTMLElement {
  const box = make('div', 'list-group');
  box.dataset.event = group.event;
  let shown = visibleColumns(group, host.rememberedColumns(group.event));
  let sortColumn: string | undefined;
  let sortDirection: 'asc' | 'desc' = 'asc';
  const sorted = (): HeaderPair[][] => (sortColumn ? (sortItems(group.rows, sortColumn, sortDirection) as HeaderPair[][]) : group.rows);

  const bar = make('div', 'list-toolbar');
  const title = make('strong', 'list-kind', `${group.event} (${group.rows.length})`);
  const hiddenNote = make('span', 'note');
  const chooser = make('span', 'column-chooser-box');
  const choices = make('div', 'column-choices hidden');
  chooser.append(smallButton('Columns…', 'column-chooser', 'Choose the columns of this kind of row (remembered)', () => choices.classList.toggle('hidden')), choices);
  bar.append(
    title,
    hiddenNote,
    chooser,
    smallButton('Copy CSV', 'copy-csv', 'Copy the shown columns of every row as CSV', () => host.copy(tableText(sorted(), shown, 'csv'), `${group.rows.length} rows as CSV`)),
    smallButton('Copy TSV', 'copy-tsv', 'Copy the shown columns of every row as TSV (pastes into a spreadsheet)', () => host.copy(tableText(sorted(), shown, 'tsv'), `${group.rows.length} rows as TSV`)),
  );
  const scroller = make('div', 'items');
  const table = make('table', 'list-items');
  const head = make('thead');
  const body = make('tbody');
  const note = make('div', 'note');
  table.append(head, body);
  scroller.append(table);
  box.append(bar, scroller, note);

  const drawChoices = (): void => {
    choices.replaceChildren();
    for (const column of group.columns) {
      const label = make('label');
      const box = make('input');
      box.type = 'checkbox';
      box.checked = shown.includes(column);
      box.addEventListener('change', () => {
        const wanted = new Set(Array.from(choices.querySelectorAll('input')).filter((input) => input.checked).map((input) => input.value));
        if (wanted.size === 0) {
          box.checked = true;
          return;
        }
        shown = group.columns.filter((name) => wanted.has(name));
        host.rememberColumns(group.event, shown);
        draw();
      });
      box.value = column;
      label.append(box, document.createTextNode(` ${column}`));
      choices.append(label);
    }
  };
  const draw = (): void => {
    const headRow = make('tr');
    for (const column of shown) {
      const description = host.fieldDoc(group.event, column);
      const th = make('th', sortColumn === column ? `sorted-${sortDirection}` : undefined, column);
      th.title = description ? `${description}\n(click to sort)` : 'Sort by this column';
      th.addEventListener('click', () => {
        sortDirection = sortColumn === column && sortDirection === 'asc' ? 'desc' : 'asc';
        sortColumn = column;
        draw();
      });
      headRow.append(th);
    }
    head.replaceChildren(headRow);
    const rows = sorted();
    body.replaceChildren();
    for (const row of rows.slice(0, MAX_TABLE_ROWS)) {
      const values = new Map(row.map(([name, value]) => [name.toLowerCase(), value]));
      const tr = make('tr');
      for (const column of shown) tr.append(make('td', undefined, values.get(column.toLowerCase()) ?? ''));
      body.append(tr);
    }
    const hidden = group.columns.length - shown.length;
    hiddenNote.textContent = hidden > 0 ? `${shown.length} of ${group.columns.length} columns` : '';
    note.textContent = rows.length > MAX_TABLE_ROWS ? `showing the first ${MAX_TABLE_ROWS} of ${rows.length} rows (Copy takes them all)` : '';
  };
  drawChoices();
  draw();
  return box;
}
