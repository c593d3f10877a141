/**
 * Expectations (`@expect` lines): one parser for the editor and the runners, a pure matcher over a block's
 * response, list and events, the event correlator, and a script runner for headless use (the `ami` CLI).
 */
export * from './types';
export { DEFAULT_EVENT_WITHIN_MS, EXPECT_KINDS, KNOWN_RESPONSE_STATUSES, MAX_WITHIN_MS, formatExpectation, formatWithin, parseDuration, parseExpectation } from './parse';
export { Correlator, headerValue, type CorrelatorOptions, type ObservedEvent } from './correlator';
export { ExpectationMatcher, formatElapsed, type BlockAnswer, type MatcherOptions, type SourcedExpectation } from './matcher';
export { resolveExpectation, type ExpectationResolution } from './resolve';
export { blockExpectations, runScript, type BlockReport, type BlockVerdict, type ScriptReport, type ScriptRunOptions, type ScriptSession } from './scriptRunner';
