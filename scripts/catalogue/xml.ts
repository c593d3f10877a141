/** XML helpers for the catalogue generator (@xmldom/xmldom nodes). */
import type { Element, Node } from '@xmldom/xmldom';

const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;
export const CDATA_SECTION_NODE = 4;

export function isElement(node: Node): node is Element {
  return node.nodeType === ELEMENT_NODE;
}

export function childElements(el: Element, tag?: string): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (isElement(n) && (tag === undefined || n.nodeName === tag)) out.push(n);
  }
  return out;
}

export function firstChild(el: Element, tag: string): Element | undefined {
  return childElements(el, tag)[0];
}

/** All descendant elements named `tag`, in document order. */
export function descendants(el: Element, tag: string): Element[] {
  const out: Element[] = [];
  const walk = (parent: Element): void => {
    for (let n = parent.firstChild; n; n = n.nextSibling) {
      if (!isElement(n)) continue;
      if (n.nodeName === tag) out.push(n);
      walk(n);
    }
  };
  walk(el);
  return out;
}

export function attr(el: Element, name: string): string | undefined {
  return el.hasAttribute(name) ? (el.getAttribute(name) ?? undefined) : undefined;
}

/** Asterisk's ast_true() over an attribute value. */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(yes|true|y|t|1|on)$/i.test(value.trim());
}

export function collapse(text: string): string {
  return text.replace(/\s+/g, ' ');
}

export function rawText(node: Node): string {
  if (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) return node.nodeValue ?? '';
  let out = '';
  for (let n = node.firstChild; n; n = n.nextSibling) out += rawText(n);
  return out;
}
