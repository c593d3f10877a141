/** Substitutes `{{variables}}` in a parsed expectation (at run time, with the same sources as the headers). */
import { substitute, type VariableSources } from './variables';
import type { Expectation } from '../expect/types';

export type ExpectationResolution = { ok: true; expectation: Expectation } | { ok: false; error: string };

/** Resolves the event name, field values and response status. The first unresolved variable fails it, named. */
export async function resolveExpectation(expectation: Expectation, sources: VariableSources): Promise<ExpectationResolution> {
  const one = async (text: string): Promise<{ ok: true; value: string } | { ok: false; error: string }> =>
    text.includes('{{') ? substitute(text, sources) : { ok: true, value: text };
  switch (expectation.kind) {
    case 'list':
      return { ok: true, expectation };
    case 'response': {
      const status = await one(expectation.status);
      return status.ok ? { ok: true, expectation: { ...expectation, status: status.value } } : status;
    }
    case 'event': {
      const event = await one(expectation.event);
      if (!event.ok) return event;
      const fields = [];
      for (const field of expectation.fields) {
        const value = await one(field.value);
        if (!value.ok) return { ok: false, error: `${field.name}=: ${value.error}` };
        fields.push({ name: field.name, value: value.value });
      }
      return { ok: true, expectation: { ...expectation, event: event.value, fields } };
    }
  }
}
