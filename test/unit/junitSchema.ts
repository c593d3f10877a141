/**
 * Structural checks of JUnit XML against the common JUnit schema (the "Jenkins/Surefire" junit-10.xsd shape
 * that CI systems read). No XSD validator is installed, so the rules are written out here: well-formed XML,
 * only the attributes the schema declares (plus testcase file/line),
 * root <testsuites> with tests/failures/errors/time, <testsuite> with name/tests/failures/errors/time and
 * counts matching its cases, <testcase> with name/classname/time, at most one of <failure>/<error>/<skipped>
 * with a message, numeric times, ISO timestamps, and no unknown elements.
 */
import { DOMParser, type Element } from '@xmldom/xmldom';

/** Attributes junit-10.xsd allows per element (plus `file` and `line` on testcase, read by CI annotators). */
const ALLOWED_ATTRIBUTES: Record<string, readonly string[]> = {
  testsuites: ['name', 'time', 'tests', 'failures', 'disabled', 'errors'],
  testsuite: ['name', 'tests', 'failures', 'errors', 'group', 'time', 'disabled', 'skipped', 'timestamp', 'hostname', 'id', 'package', 'file', 'log', 'url', 'version'],
  testcase: ['name', 'assertions', 'time', 'classname', 'status', 'group', 'file', 'line'],
  failure: ['message', 'type'],
  error: ['message', 'type'],
  skipped: ['message'],
  properties: [],
  property: ['name', 'value'],
  'system-out': [],
  'system-err': [],
};
const SUITES_CHILDREN = new Set(['testsuite']);
const SUITE_CHILDREN = new Set(['properties', 'testcase', 'system-out', 'system-err']);
const CASE_CHILDREN = new Set(['failure', 'error', 'skipped', 'system-out', 'system-err']);
const DECIMAL = /^\d+(\.\d+)?$/;
const COUNT = /^\d+$/;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/;

const TEXT_ONLY = new Set(['failure', 'error', 'skipped', 'system-out', 'system-err', 'property']);

function checkAttributes(element: Element): void {
  const allowed = ALLOWED_ATTRIBUTES[element.tagName];
  if (!allowed) throw new Error(`unknown element <${element.tagName}>`);
  if (TEXT_ONLY.has(element.tagName)) {
    for (let node = element.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === 1) throw new Error(`<${element.tagName}> may not hold elements`);
    }
  }
  for (let k = 0; k < element.attributes.length; k++) {
    const name = element.attributes[k].name;
    if (!allowed.includes(name)) throw new Error(`<${element.tagName}> may not have the attribute ${name}`);
  }
}

function children(element: Element): Element[] {
  checkAttributes(element);
  const out: Element[] = [];
  for (let node = element.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1) out.push(node as Element);
    else if (node.nodeType === 3 && (node.nodeValue ?? '').trim() !== '' && !['failure', 'error', 'skipped', 'system-out', 'system-err'].includes(element.tagName)) {
      throw new Error(`<${element.tagName}> holds text "${(node.nodeValue ?? '').trim().slice(0, 40)}"`);
    }
  }
  return out;
}

function need(element: Element, name: string, pattern?: RegExp): string {
  if (!element.hasAttribute(name)) throw new Error(`<${element.tagName}> lacks the required attribute ${name}`);
  const value = element.getAttribute(name) ?? '';
  if (pattern && !pattern.test(value)) throw new Error(`<${element.tagName} ${name}="${value}"> does not match ${pattern}`);
  return value;
}

/** A parsed, checked JUnit document: the cases per suite, for further assertions. */
export interface CheckedJUnit {
  suites: Array<{
    name: string;
    cases: Array<{ name: string; classname: string; time: number; outcome: 'passed' | 'failure' | 'error' | 'skipped'; message?: string; details?: string }>;
  }>;
  totals: { tests: number; failures: number; errors: number; skipped: number };
}

/** Throws with the first broken rule; returns the document's content otherwise. */
export function checkJUnit(xml: string): CheckedJUnit {
  if (!xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')) throw new Error('no XML declaration with UTF-8 encoding');
  const document = new DOMParser({
    // Warnings (e.g. "replacement character detected") are not schema violations.
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(`XML ${level}: ${message}`);
    },
  }).parseFromString(xml, 'text/xml');
  const root = document.documentElement;
  if (!root || root.tagName !== 'testsuites') throw new Error(`the root element is <${root?.tagName}>, not <testsuites>`);
  const totals = {
    tests: Number(need(root, 'tests', COUNT)),
    failures: Number(need(root, 'failures', COUNT)),
    errors: Number(need(root, 'errors', COUNT)),
  };
  need(root, 'time', DECIMAL);
  const sum = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const suites: CheckedJUnit['suites'] = [];
  for (const suite of children(root)) {
    if (!SUITES_CHILDREN.has(suite.tagName)) throw new Error(`<testsuites> may not hold <${suite.tagName}>`);
    const name = need(suite, 'name');
    if (name === '') throw new Error('a <testsuite> has an empty name');
    const counts = {
      tests: Number(need(suite, 'tests', COUNT)),
      failures: Number(need(suite, 'failures', COUNT)),
      errors: Number(need(suite, 'errors', COUNT)),
      skipped: suite.hasAttribute('skipped') ? Number(need(suite, 'skipped', COUNT)) : 0,
    };
    need(suite, 'time', DECIMAL);
    if (suite.hasAttribute('timestamp')) need(suite, 'timestamp', TIMESTAMP);
    const seen = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    const cases: CheckedJUnit['suites'][number]['cases'] = [];
    for (const child of children(suite)) {
      if (!SUITE_CHILDREN.has(child.tagName)) throw new Error(`<testsuite> may not hold <${child.tagName}>`);
      if (child.tagName === 'properties') {
        for (const property of children(child)) {
          checkAttributes(property);
          if (property.tagName !== 'property') throw new Error(`<properties> may not hold <${property.tagName}>`);
          need(property, 'name');
          need(property, 'value');
        }
        continue;
      }
      if (child.tagName !== 'testcase') {
        checkAttributes(child);
        continue;
      }
      seen.tests++;
      const caseName = need(child, 'name');
      const classname = need(child, 'classname');
      const time = Number(need(child, 'time', DECIMAL));
      const results = children(child).filter((element) => {
        if (!CASE_CHILDREN.has(element.tagName)) throw new Error(`<testcase> may not hold <${element.tagName}>`);
        checkAttributes(element);
        return element.tagName !== 'system-out' && element.tagName !== 'system-err';
      });
      if (results.length > 1) throw new Error(`<testcase name="${caseName}"> has ${results.length} results; at most one of failure, error, skipped`);
      const result = results[0];
      let outcome: 'passed' | 'failure' | 'error' | 'skipped' = 'passed';
      let message: string | undefined;
      if (result) {
        outcome = result.tagName as 'failure' | 'error' | 'skipped';
        if (outcome !== 'skipped') {
          message = need(result, 'message');
          if (message === '') throw new Error(`<${outcome}> of "${caseName}" has an empty message`);
          if (outcome === 'failure') seen.failures++;
          else seen.errors++;
        } else {
          seen.skipped++;
          message = result.getAttribute('message') ?? undefined;
        }
      }
      cases.push({ name: caseName, classname, time, outcome, message, details: result?.textContent ?? undefined });
    }
    for (const key of ['tests', 'failures', 'errors', 'skipped'] as const) {
      if (counts[key] !== seen[key]) throw new Error(`<testsuite name="${name}"> says ${key}="${counts[key]}" but holds ${seen[key]}`);
      sum[key] += counts[key];
    }
    suites.push({ name, cases });
  }
  for (const key of ['tests', 'failures', 'errors'] as const) {
    if (totals[key] !== sum[key]) throw new Error(`<testsuites> says ${key}="${totals[key]}" but its suites sum to ${sum[key]}`);
  }
  return { suites, totals: { ...totals, skipped: sum.skipped } };
}
