// Headless Neovim (its built-in LSP client) against dist/server.js --stdio, configured with the README's configs.
// Skipped with a printed reason where nvim is missing, except in CI (CI=true), where that is a failure.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inRange, luaSyntaxError, nvimVersion, readmeNeovimConfigs, runScenario, type ScenarioResult } from './nvimHarness';

const version = nvimVersion();
const missing = version ? undefined : 'nvim is not installed (apt-get install neovim, or bash scripts/e2e/installTools.sh)';
if (missing && process.env.CI === 'true') {
  throw new Error(`The Neovim suite cannot be skipped in CI: ${missing}`);
}
if (missing) console.log(`# Neovim suite skipped: ${missing}`);

const configs = readmeNeovimConfigs();

/** calls.ami, by 1-based line: what the scenarios expect where. */
const callsText = [
  '@context = default', // 1
  '', // 2
  '# Originate a test call', // 3
  '# @name call', // 4
  'Action: Originate', // 5
  'Channel: Local/100@{{context}}', // 6
  'Context: {{context}}', // 7
  'Exten:200', // 8
  'Priority: 1', // 9
  '', // 10
  '# Hang it up', // 11
  'Action: Hangup', // 12
  'Channel: {{call.Channel}}', // 13
  '', // 14
  'Action: SIPpeers', // 15  (Asterisk 18 and 20 only)
  '', // 16
  'Action: ping', // 17
  '', // 18
].join('\n');

/** Capabilities a snippet plugin (nvim-cmp with LuaSnip, or 0.10+ itself) adds: snippets and resolved docs. */
const snippetPlugin = `
local make = vim.lsp.protocol.make_client_capabilities
vim.lsp.protocol.make_client_capabilities = function()
  local capabilities = make()
  capabilities.textDocument.completion.completionItem.snippetSupport = true
  capabilities.textDocument.completion.completionItem.resolveSupport = { properties = { 'documentation', 'detail' } }
  return capabilities
end
`;

function assertNoError(result: ScenarioResult): void {
  assert.equal(result.error ?? null, null, `scenario failed in Neovim: ${result.error}`);
  const errors = result.logs.filter((log) => log.type === 1);
  assert.deepEqual(errors, [], 'the server logged no error');
  // vim.log.levels: WARN = 3, ERROR = 4.
  const warnings = (result.notifications ?? []).filter((notification) => notification.level >= 3);
  assert.deepEqual(warnings, [], 'Neovim reported no LSP error or warning to the user');
}

type Item = { label: string; format?: number; text?: string; command?: string; doc_kind?: string; data?: boolean };

describe('Neovim (headless, built-in LSP client)', { skip: missing }, () => {
  it('the README has a config for each Neovim range, each one valid Lua', () => {
    assert.deepEqual([...configs.keys()], ['0.7', '0.8-0.10', '0.11']);
    for (const [range, config] of configs) assert.equal(luaSyntaxError(config), undefined, `README config for ${range}`);
  });

  for (const [range, config] of configs) {
    const runnable = version !== undefined && inRange(version, range);
    const reason = `Neovim ${version?.join('.')} here: the README config for ${range} is checked against Neovim's documentation only`;

    it(`README config for ${range}: diagnostics, hover, definition, quick fix, formatting, rename, branch, completion`, { skip: runnable ? false : reason }, async () => {
      // 0.7 neither pulls nor pushes settings (init_options, then the payload); 0.8+ answer workspace/configuration.
      // Which one a later release uses is not checked here (not run there): any source is accepted for them.
      const source =
        range === '0.7' ? { initial: 'initializationOptions.ami', changed: 'workspace/didChangeConfiguration.ami' } : undefined;
      const expectBranchLogs = (actual: string[], branches: Array<[string, string | undefined]>): void => {
        assert.equal(actual.length, branches.length, JSON.stringify(actual));
        branches.forEach(([branch, from], index) => {
          const prefix = `AMI: checking .ami scripts against Asterisk ${branch}: ami.asteriskVersion "${branch}" from `;
          if (from) assert.equal(actual[index], `${prefix}${from}.`);
          else assert.ok(actual[index].startsWith(prefix), actual[index]);
        });
      };
      const result = await runScenario({ config, scenario: 'features.lua', text: callsText });
      assertNoError(result);
      assert.equal(result.filetype, 'ami');

      // The branch from init_options, said once in the log with its source.
      const diagnostics = result.diagnostics as Array<{ line: number; code: string; message: string }>;
      assert.deepEqual(
        diagnostics.map((d) => `${d.line}:${d.code}`),
        ['16:ami-action-case'],
        'Asterisk 20 from init_options: SIPpeers exists there, so only the action case is flagged',
      );
      const branchLogs = (logs: ScenarioResult['logs']) => logs.filter((log) => log.message.startsWith('AMI: checking .ami scripts against'));
      expectBranchLogs(branchLogs(result.logs_after_open as ScenarioResult['logs']).map((log) => log.message), [['20', source?.initial]]);

      const hover = result.hover as { kind: string; value: string };
      assert.equal(hover.kind, 'markdown');
      assert.match(hover.value, /\*\*Originate\*\* \(AMI action\)/);

      // Definition: a LocationLink (Neovim has linkSupport) to `call` of `# @name call`, the block as target range.
      const [link] = result.definition_answer as Array<Record<string, { start: { line: number; character: number } }>>;
      assert.deepEqual(link.targetSelectionRange, { start: { line: 3, character: 8 }, end: { line: 3, character: 12 } });
      assert.deepEqual(link.targetRange.start, { line: 2, character: 0 });
      assert.deepEqual(result.definition_cursor, [4, 8], 'Neovim jumped to the name in `# @name call`');
      assert.equal((result.definition_on_name as unknown[]).length, 1, 'asked on the @name line, the name itself');

      assert.ok((result.code_actions_offered as string[]).includes('Change to "Ping"'));
      assert.equal(result.code_action_line, 'Action: Ping');
      assert.equal(result.formatted_line, 'Exten: 200');
      assert.deepEqual(result.renamed_lines, ['# @name originated', 'Channel: {{originated.Channel}}']);

      // didChangeConfiguration's payload switches to 23, where SIPpeers does not exist; logged once more.
      const after = result.diagnostics_after_change as Array<{ line: number; code: string }>;
      assert.ok(after.some((d) => d.line === 14 && d.code === 'ami-action-not-in-version'), JSON.stringify(after));
      expectBranchLogs(branchLogs(result.logs_at_end as ScenarioResult['logs']).map((log) => log.message), [
        ['20', source?.initial],
        ['23', source?.changed],
      ]);

      // Typed completion: plain text, no snippet syntax, no NUL from a multi-line insert.
      const words = result.pum_words_act as string[];
      assert.equal(words[0], 'Action: ');
      assert.ok(words.includes('Action: Ping'), 'one-line templates as plain text');
      assert.ok(words.every((word) => !word.includes('\n') && !word.includes('$')), JSON.stringify(words));
      assert.equal(result.after_act, 'Action: ');
      assert.equal(result.after_action, 'Action: Originate');
      assert.equal(result.after_header, 'Channel: ');
      assert.deepEqual(result.typed_block, ['Action: Originate', 'Channel: ']);
      const emptyLine = result.empty_line_items as Item[];
      assert.ok(emptyLine.some((item) => item.label === 'Action'));
      for (const item of emptyLine) {
        assert.notEqual(item.format, 2, `${item.label} is plain text`);
        assert.ok(!item.text?.includes('\n') && !item.text?.includes('$'), `${item.label} inserts ${JSON.stringify(item.text)}`);
        assert.equal(item.command, undefined, `${item.label} carries no VS Code command`);
      }
      assert.equal(result.resolve_provider, false, 'Neovim 0.7 does not resolve items: documentation stays inline');
    });
  }

  const config07 = configs.get('0.7');
  const run07 = version !== undefined && config07 !== undefined && inRange(version, '0.7');

  it('completion without snippet support: plain text, documentation inline, no templates', { skip: run07 ? false : 'needs Neovim 0.7' }, async () => {
    const result = await runScenario({ config: config07!, scenario: 'completion.lua', text: callsText });
    assertNoError(result);
    const empty = result.empty_line as { items: Item[]; words: string[] };
    assert.ok(!empty.items.some((item) => item.label === 'Originate (snippet)'), 'a multi-line template is left out');
    const ping = empty.items.find((item) => item.label === 'Ping (snippet)');
    assert.deepEqual(ping && { format: ping.format, text: ping.text }, { format: undefined, text: 'Action: Ping' }, 'a one-line template as plain text');
    const name = empty.items.find((item) => item.label === '# @name');
    assert.deepEqual(name && { format: name.format, text: name.text }, { format: undefined, text: '# @name name' });
    assert.ok(empty.words.every((word) => !word.includes('\n')), JSON.stringify(empty.words));
    const actions = result.action_value as { items: Item[]; words: string[] };
    const originate = actions.items.find((item) => item.label === 'Originate');
    assert.equal(originate?.doc_kind, 'markdown', 'documentation inline (no resolve support)');
    assert.equal(originate?.data, false);
    const builtin = (result.builtin as { items: Item[] }).items.find((item) => item.label === '$env');
    assert.deepEqual(builtin && { format: builtin.format, text: builtin.text }, { format: undefined, text: '$env NAME' });
  });

  it('completion with snippet support and resolve (as a snippet plugin announces): templates, docs on resolve', { skip: run07 ? false : 'needs Neovim 0.7' }, async () => {
    const result = await runScenario({ config: config07!, scenario: 'completion.lua', text: callsText, before: snippetPlugin });
    assertNoError(result);
    assert.equal(result.resolve_provider, true);
    const empty = result.empty_line as { items: Item[] };
    const template = empty.items.find((item) => item.label === 'Originate (snippet)');
    assert.equal(template?.format, 2);
    assert.equal(template?.text, 'Action: Originate\nChannel: ${1}$0');
    const actions = result.action_value as { items: Item[] };
    const originate = actions.items.find((item) => item.label === 'Originate');
    assert.equal(originate?.doc_kind, 'nil', 'lean: documentation left for completionItem/resolve');
    assert.equal(originate?.data, true);
    const resolved = result.resolved as { documentation?: { kind: string; value: string }; detail?: string };
    assert.match(resolved.documentation?.value ?? '', /Originate a call/);
    assert.equal(resolved.detail, 'Originate a call.');
  });
});
