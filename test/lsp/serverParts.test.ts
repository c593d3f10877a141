// The server's own pieces as plain functions: the diagnostics schedule, lazy completion docs, input checks.
import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseError } from 'vscode-languageserver/node';
import { DiagnosticsScheduler } from '../../server/src/diagnosticsScheduler';
import { LazyCompletionDocumentation } from '../../server/src/lazyCompletionDocumentation';
import { checkLocation, sanitizeLiveServerInfo } from '../../server/src/languageServer';

describe('DiagnosticsScheduler', () => {
  it('runs once after the last of several quick changes, and at once when asked', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const runs: string[] = [];
      const scheduler = new DiagnosticsScheduler(150, (uri) => runs.push(uri));
      scheduler.schedule('a');
      mock.timers.tick(100);
      scheduler.schedule('a');
      mock.timers.tick(100);
      assert.deepEqual(runs, [], 'still typing');
      mock.timers.tick(50);
      assert.deepEqual(runs, ['a']);
      scheduler.schedule('b');
      scheduler.runNow('b');
      mock.timers.tick(1000);
      assert.deepEqual(runs, ['a', 'b'], 'runNow replaces the pending run');
      scheduler.schedule('c');
      scheduler.forget('c');
      mock.timers.tick(1000);
      assert.deepEqual(runs, ['a', 'b'], 'a closed document is not validated');
    } finally {
      mock.timers.reset();
    }
  });

  it('remembers which version was validated', () => {
    const scheduler = new DiagnosticsScheduler(150, () => undefined);
    scheduler.markValidated('a', 3);
    assert.ok(scheduler.isValidated('a', 3));
    assert.ok(!scheduler.isValidated('a', 4));
    scheduler.forget('a');
    assert.ok(!scheduler.isValidated('a', 3));
  });
});

describe('LazyCompletionDocumentation', () => {
  it('sends items without documentation and gives it back for the latest answer only', () => {
    const lazy = new LazyCompletionDocumentation();
    const first = lazy.defer({
      isIncomplete: false,
      items: [
        { label: 'Originate', documentation: { kind: 'markdown', value: 'Originate a call.' } },
        { label: 'Ping' },
        { label: 'Kept', documentation: 'own data', data: { mine: true } },
      ],
    });
    assert.equal(first.items[0].documentation, undefined);
    assert.deepEqual(lazy.resolve(first.items[0]).documentation, { kind: 'markdown', value: 'Originate a call.' });
    assert.deepEqual(first.items[1], { label: 'Ping' });
    assert.equal(first.items[2].documentation, 'own data');
    const second = lazy.defer({ isIncomplete: false, items: [{ label: 'Hangup', documentation: 'Hang up.' }] });
    assert.equal(lazy.resolve(first.items[0]).documentation, undefined, 'a stale item resolves to itself');
    assert.equal(lazy.resolve(second.items[0]).documentation, 'Hang up.');
    assert.deepEqual(lazy.resolve({ label: 'x', data: 'garbage' }), { label: 'x', data: 'garbage' });
  });
});

describe('request checks', () => {
  it('accepts LSP positions and ranges and rejects anything else, naming the field', () => {
    checkLocation({ position: { line: 0, character: 3 } }, 'position');
    checkLocation({ range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } } }, 'range');
    for (const bad of [undefined, null, {}, { position: 'top' }, { position: { line: -1, character: 0 } }, { position: { line: 1.5, character: 0 } }]) {
      assert.throws(
        () => checkLocation(bad, 'position'),
        (error: unknown) => error instanceof ResponseError && error.message.startsWith('"position" must be'),
      );
    }
    assert.throws(() => checkLocation({ range: { start: { line: 0, character: 0 } } }, 'range'), /"range" must be/);
  });

  it('keeps only well-typed live-server info', () => {
    assert.deepEqual(sanitizeLiveServerInfo(null), {});
    assert.deepEqual(sanitizeLiveServerInfo('x'), {});
    assert.deepEqual(
      sanitizeLiveServerInfo({ allowedActions: ['Ping', 3, null], branch: 20, profileVariables: { a: 'b', c: 1 }, extra: true }),
      { allowedActions: ['Ping'], branch: '20', profileVariables: { a: 'b' } },
    );
    assert.deepEqual(sanitizeLiveServerInfo({ allowedActions: 'all', profileVariables: ['x'] }), {});
  });
});
