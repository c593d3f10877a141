/** Asterisk XML documentation text to Markdown, for the catalogue generator. */
import type { Element, Node } from '@xmldom/xmldom';
import { CDATA_SECTION_NODE, TEXT_NODE, attr, childElements, collapse, isElement, rawText } from './xml';

/** Elements that render as blocks; everything else inside a block is inline. */
const BLOCK_TAGS = new Set(['para', 'enumlist', 'variablelist', 'optionlist', 'note', 'warning', 'example']);
/** Metadata or tech-specific detail that never goes into a description. */
const SKIPPED_TAGS = new Set(['since', 'synopsis', 'syntax', 'see-also', 'info', 'responses', 'argument']);

function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\*/g, '\\*').replace(/`/g, '\\`').replace(/<(?=[A-Za-z/!])/g, '\\<');
}

export function codeSpan(text: string): string {
  const t = collapse(text).trim();
  if (t === '') return '';
  return t.includes('`') ? `\`\` ${t} \`\`` : `\`${t}\``;
}

function emphasize(text: string): string {
  const t = text.trim();
  return t === '' ? '' : `*${t}*`;
}

function inline(node: Node): string {
  if (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) {
    return escapeText(collapse(node.nodeValue ?? ''));
  }
  if (!isElement(node)) return '';
  switch (node.nodeName) {
    case 'literal':
    case 'filename':
    case 'directory':
    case 'astcli':
    case 'ref':
    case 'variable':
      return codeSpan(rawText(node));
    case 'replaceable':
    case 'emphasis':
      return emphasize(inlineChildren(node));
    default:
      if (SKIPPED_TAGS.has(node.nodeName)) return '';
      return inlineChildren(node);
  }
}

export function inlineChildren(el: Element): string {
  let out = '';
  for (let n = el.firstChild; n; n = n.nextSibling) out += inline(n);
  return out;
}

export function tidy(text: string): string {
  return text.replace(/ {2,}/g, ' ').trim();
}

function indent(block: string): string {
  return block
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');
}

function isListBlock(block: string): boolean {
  return block.startsWith('- ');
}

/** One bullet: a head line, then the item's other blocks indented under it. */
function bullet(head: string, body: string[]): string {
  let first = head;
  let rest = body;
  if (body.length > 0 && !isListBlock(body[0])) {
    first = `${head}: ${body[0]}`;
    rest = body.slice(1);
  }
  return `- ${first}${rest.map((b) => (isListBlock(b) ? '\n' : '\n\n') + indent(b)).join('')}`;
}

function listBlock(items: string[]): string[] {
  return items.length > 0 ? [items.join('\n')] : [];
}

function enumItems(enumlist: Element): string[] {
  return childElements(enumlist, 'enum').map((e) => bullet(codeSpan(attr(e, 'name') ?? ''), blocks(e)));
}

export function optionSignature(option: Element): string {
  const args = childElements(option, 'argument').map((a) => attr(a, 'name') ?? '');
  const name = attr(option, 'name') ?? '';
  return args.length > 0 ? `${name}(${args.join(attr(option, 'argsep') ?? ',')})` : name;
}

function blockOf(el: Element): string[] {
  switch (el.nodeName) {
    case 'para': {
      return blocks(el);
    }
    case 'enumlist':
      return listBlock(enumItems(el));
    case 'variablelist':
      return listBlock(
        childElements(el, 'variable').map((v) => {
          const values = childElements(v, 'value').map((value) =>
            bullet(codeSpan(attr(value, 'name') ?? ''), tidy(inlineChildren(value)) ? [tidy(inlineChildren(value))] : []),
          );
          return bullet(codeSpan(attr(v, 'name') ?? ''), [...blocks(v), ...listBlock(values)]);
        }),
      );
    case 'optionlist':
      return listBlock(childElements(el, 'option').map((o) => bullet(codeSpan(optionSignature(o)), blocks(o))));
    case 'note':
    case 'warning': {
      const label = el.nodeName === 'note' ? 'Note' : 'Warning';
      const body = blocks(el).join('\n\n');
      return [`**${label}:** ${body}`.split('\n').map((line) => (line === '' ? '>' : `> ${line}`)).join('\n')];
    }
    case 'example': {
      const title = attr(el, 'title');
      const code = dedent(rawText(el));
      const fence = code.includes('```') ? '~~~' : '```';
      return [...(title ? [`*${escapeText(collapse(title).trim())}*`] : []), `${fence}\n${code}\n${fence}`];
    }
    default:
      return [];
  }
}

function dedent(text: string): string {
  const lines = text.replace(/\t/g, '    ').split('\n');
  while (lines.length > 0 && lines[0].trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  const margin = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(Number.isFinite(margin) ? margin : 0).trimEnd()).join('\n');
}

/** Markdown blocks for an element's children: inline runs become paragraphs, block elements render. */
export function blocks(el: Element, skip?: (child: Element) => boolean): string[] {
  const out: string[] = [];
  let run = '';
  const flush = (): void => {
    const text = tidy(run);
    if (text !== '') out.push(text);
    run = '';
  };
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (isElement(n)) {
      if (skip?.(n) || SKIPPED_TAGS.has(n.nodeName)) continue;
      if (BLOCK_TAGS.has(n.nodeName)) {
        flush();
        out.push(...blockOf(n));
        continue;
      }
      const listItem = n.nodeName === 'enum' || n.nodeName === 'variable' || n.nodeName === 'option' || n.nodeName === 'value';
      if (listItem && n.hasAttribute('name')) continue; // rendered by their lists; a bare <variable>X</variable> is inline

    }
    run += inline(n);
  }
  flush();
  return out;
}

export function markdown(el: Element | undefined, skip?: (child: Element) => boolean): string | undefined {
  if (!el) return undefined;
  const text = blocks(el, skip).join('\n\n').trim();
  return text === '' ? undefined : text;
}

/** The first blocks of a Markdown text, as many as fit in `max` characters (at least one, then cut). */
export function shorten(blocksIn: string[], max: number): string | undefined {
  let out = '';
  for (const block of blocksIn) {
    const next = out === '' ? block : `${out}\n\n${block}`;
    if (next.length > max) {
      if (out === '') out = cutText(block, max);
      else if (out.endsWith(':') && out.includes('\n\n')) out = out.slice(0, out.lastIndexOf('\n\n'));
      break;
    }
    out = next;
  }
  return out === '' ? undefined : out;
}

function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  let out = (space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '');
  // Never leave an unbalanced code span or fence behind.
  if ((out.match(/`/g) ?? []).length % 2 === 1) out = out.slice(0, out.lastIndexOf('`')).trimEnd();
  const stars = [...out.matchAll(/(?<!\\)\*/g)];
  if (stars.length % 2 === 1) out = out.slice(0, stars[stars.length - 1].index).trimEnd();
  return `${out}…`;
}
