/** DOM helpers of the panel. Every server value goes in as textContent or title, never parsed as HTML. */
import type { HeaderPair } from '../../protocol/src/webviewMessages';

/** An element with optional class, text, title and id, and its children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; title?: string; id?: string } = {},
  ...children: Array<Node | null | undefined>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.title !== undefined) node.title = props.title;
  if (props.id) node.id = props.id;
  for (const child of children) if (child) node.append(child);
  return node;
}

/** A `type="button"` button. */
export function button(text: string, id: string, onClick: () => void, title?: string): HTMLButtonElement {
  const node = el('button', { text, id, title });
  node.type = 'button';
  node.addEventListener('click', onClick);
  return node;
}

/** A two-column table of headers; with `describe`, each documented header name carries its description. */
export function headerTable(headers: readonly HeaderPair[], describe?: (header: string) => string | undefined): HTMLTableElement {
  const table = el('table', { className: 'headers' });
  const body = el('tbody');
  for (const [name, value] of headers) {
    const nameCell = el('th', { text: name });
    const description = describe?.(name);
    if (description) {
      nameCell.title = description;
      nameCell.classList.add('documented');
    }
    body.append(el('tr', {}, nameCell, el('td', { text: value })));
  }
  table.append(body);
  return table;
}
