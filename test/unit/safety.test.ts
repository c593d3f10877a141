import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DANGEROUS_ACTIONS, DANGEROUS_ORIGINATE_APPLICATIONS, assessDanger, dangerReadsHeaders } from '../../core/src/safety/dangerous';
import { getCatalogue } from '../../core/src/catalogue/index';

test('every action docs/security.md lists is dangerous whatever its headers, case-insensitively', () => {
  const listed = ['Command', 'UpdateConfig', 'CreateConfig', 'GetConfig', 'GetConfigJSON', 'ListCategories', 'ModuleLoad', 'ModuleUnload', 'Reload', 'Restart', 'Shutdown', 'DBDelTree'];
  for (const action of listed) {
    for (const spelling of [action, action.toLowerCase(), action.toUpperCase(), ` ${action} `]) {
      const result = assessDanger(spelling, []);
      assert.equal(result.dangerous, true, spelling);
      assert.match(result.reason ?? '', new RegExp(`^${action} `), 'the reason names the action');
    }
  }
  assert.equal(Object.keys(DANGEROUS_ACTIONS).length, listed.length);
});

test("an action named like an object's built-in property is judged, not a crash", () => {
  for (const action of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
    assert.deepEqual(assessDanger(action, [['Variable', 'SHELL(id)']]), { dangerous: false }, action);
    assert.deepEqual(assessDanger(action, [{ name: 'Variable', value: 'x' }]), { dangerous: false }, action);
  }
});

test('harmless actions are not dangerous', () => {
  for (const action of ['Ping', 'CoreStatus', 'Hangup', 'QueueStatus', 'DBGet', 'DBPut', 'Originate', 'Getvar', 'Setvar', 'Status', '']) {
    assert.deepEqual(assessDanger(action, []), { dangerous: false }, action);
  }
  assert.equal(assessDanger('Originate', [['Channel', 'PJSIP/100'], ['Application', 'Playback'], ['Data', 'hello-world']]).dangerous, false);
  assert.equal(assessDanger('Originate', [['Channel', 'PJSIP/100'], ['Context', 'default'], ['Exten', '100'], ['Priority', '1']]).dangerous, false);
  assert.equal(assessDanger('Getvar', [['Variable', 'CHANNEL(name)']]).dangerous, false);
  assert.equal(assessDanger('Setvar', [['Variable', 'FOO'], ['Value', 'shell script in prose']]).dangerous, false);
});

test('Originate with each listed application is dangerous, with the application in the reason', () => {
  const applications = ['System', 'TrySystem', 'Exec', 'ExecIf', 'AGI', 'EAGI', 'ExternalIVR', 'MixMonitor', 'Originate', 'Reload', 'DBdeltree'];
  assert.equal(Object.keys(DANGEROUS_ORIGINATE_APPLICATIONS).length, applications.length);
  for (const application of applications) {
    for (const spelling of [application, application.toLowerCase(), `  ${application.toUpperCase()} `]) {
      const result = assessDanger('originate', [['Channel', 'Local/1@x'], ['application', spelling], ['Data', 'x']]);
      assert.equal(result.dangerous, true, spelling);
      assert.match(result.reason ?? '', new RegExp(`Application ${application} `), 'canonical spelling in the reason');
    }
  }
});

test('Originate of Queue is dangerous only with an AGI argument (6th, comma or pipe separated)', () => {
  const queue = (data: string): boolean => assessDanger('Originate', [['Application', 'Queue'], ['Data', data]]).dangerous;
  assert.equal(queue('sales'), false);
  assert.equal(queue('sales,t,,,30'), false);
  assert.equal(queue('sales,t,,,30,'), false);
  assert.equal(queue('sales,t,,,30,agi://evil/x'), true);
  assert.equal(queue('sales|t|||30|myscript.agi'), true);
  assert.match(assessDanger('Originate', [['Application', 'queue'], ['Data', 'q,,,,,a']]).reason ?? '', /AGI/);
});

test('Originate whose Data calls SHELL, EVAL, CURL, FILE, DB, ODBC or REALTIME is dangerous (CVE-2024-42365)', () => {
  const calls = ['${SHELL(id)}', 'EVAL(${X})', 'curl(http://x)', 'FILE(/etc/passwd)', 'DB(a/b)', 'DB_DELETE(a/b)', 'ODBC_QUERY(x)', 'REALTIME_STORE(x)', 'x=${SHELL (rm -rf /)}'];
  for (const data of calls) {
    const result = assessDanger('Originate', [['Application', 'Playback'], ['Data', data]]);
    assert.equal(result.dangerous, true, data);
    assert.match(result.reason ?? '', /CVE-2024-42365/);
  }
  // Words that merely contain the names are fine.
  for (const data of ['shellfish', 'evaluation', 'profile', 'DBX', 'my_FILE_name']) {
    assert.equal(assessDanger('Originate', [['Application', 'Playback'], ['Data', data]]).dangerous, false, data);
  }
});

test('Getvar, Setvar and Status whose variable evaluates SHELL/EVAL are dangerous; every repeated header is checked', () => {
  assert.equal(assessDanger('Getvar', [['Variable', 'SHELL(cat /etc/shadow)']]).dangerous, true);
  assert.equal(assessDanger('getvar', [['variable', 'eval(${x})']]).dangerous, true);
  assert.equal(assessDanger('Setvar', [['Variable', 'X'], ['Value', '${SHELL(id)}']]).dangerous, true);
  assert.equal(assessDanger('Status', [['Variables', 'A,SHELL(id)']]).dangerous, true);
  assert.equal(assessDanger('Status', [['Channel', 'SHELL(id)']]).dangerous, false, 'Channel is not evaluated');
  assert.equal(assessDanger('Originate', [['Application', 'Playback'], ['Data', 'ok'], ['Data', 'SHELL(id)']]).dangerous, true);
  assert.equal(assessDanger('Originate', [['Application', 'Playback'], ['Application', 'System']]).dangerous, true);
  assert.match(assessDanger('Getvar', [['Variable', 'SHELL(x)']]).reason ?? '', /^Getvar evaluates SHELL\(\)/);
});

test('dangerReadsHeaders names every action whose danger depends on its headers (the quick check skips the others)', () => {
  // Every documented header of the action, and the ones the rules read, with values the rules call dangerous.
  const hostile = (params: readonly string[]): Array<[string, string]> => [
    ...['Application', 'Data', 'Variable', 'Value', 'Variables', ...params].map((name): [string, string] => [name, 'SHELL(id)']),
    ['Application', 'System'],
  ];
  const readers: string[] = [];
  for (const action of getCatalogue().data.actions) {
    const headers = hostile(action.params.map((param) => param.name));
    const withHeaders = assessDanger(action.name, headers).dangerous;
    if (dangerReadsHeaders(action.name)) {
      readers.push(action.name);
      // The probe is strong enough to tell: these headers make each such action dangerous.
      assert.equal(withHeaders, true, action.name);
    } else {
      assert.equal(withHeaders, assessDanger(action.name, []).dangerous, `${action.name}: its danger depends on its headers`);
    }
  }
  assert.deepEqual(readers.sort(), ['Getvar', 'Originate', 'Setvar', 'Status']);
});
