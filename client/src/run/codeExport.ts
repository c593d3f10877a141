/**
 * "Copy as code": one block (variables already resolved) as a netcat transcript, Node (asterisk-manager, and this
 * project's own node/src/amiClient), Python (panoramisk) and Java (asterisk-java). The secret is never written:
 * the code reads it from the AMI_SECRET environment variable. Pure, so every generator is unit-tested.
 */

export type CodeTarget = 'nc' | 'node-asterisk-manager' | 'node-ami-workbench' | 'python-panoramisk' | 'java-asterisk-java';

/** Where the code connects (the secret is deliberately not part of it). */
export interface CodeConnection {
  host: string;
  port: number;
  username: string;
  tls: boolean;
  authType: 'md5' | 'plain';
}

/** Targets with the label the quick pick shows. */
export const CODE_TARGETS: ReadonlyArray<{ target: CodeTarget; label: string; detail: string }> = [
  { target: 'nc', label: 'nc / telnet transcript', detail: 'The AMI lines as typed into a raw TCP session (openssl s_client with TLS)' },
  { target: 'node-asterisk-manager', label: 'Node.js (asterisk-manager)', detail: 'npm install asterisk-manager' },
  { target: 'node-ami-workbench', label: 'Node.js (AMI Workbench core API)', detail: "This project's node/src/amiClient connectAmi()" },
  { target: 'python-panoramisk', label: 'Python (panoramisk)', detail: 'pip install panoramisk' },
  { target: 'java-asterisk-java', label: 'Java (asterisk-java)', detail: 'org.asteriskjava:asterisk-java' },
];

/** Headers that would carry a secret: never copied (the connection logs in with AMI_SECRET instead). */
const SECRET_HEADERS = new Set(['secret', 'key']);

type Pairs = ReadonlyArray<readonly [string, string]>;

function withoutSecrets(headers: Pairs): Array<[string, string]> {
  return headers.filter(([name]) => !SECRET_HEADERS.has(name.toLowerCase()) && name.toLowerCase() !== 'actionid').map(([name, value]) => [name, value]);
}

function actionOf(headers: Pairs): string {
  return headers.find(([name]) => name.toLowerCase() === 'action')?.[1] ?? '';
}

/** A JavaScript / Java string literal (double quotes, escapes for quotes, backslashes, control characters). */
function quote(value: string): string {
  return JSON.stringify(value);
}

/** A Python string literal. */
function pyQuote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;
}

/** Headers grouped by name (first-seen spelling and order); repeated ones (Variable) keep every value. */
function grouped(headers: Pairs): Array<[string, string[]]> {
  const groups = new Map<string, [string, string[]]>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    const group = groups.get(key);
    if (group) group[1].push(value);
    else groups.set(key, [name, [value]]);
  }
  return [...groups.values()];
}

/** Code that sends `headers` (variables resolved) on `connection`. */
export function blockAsCode(target: CodeTarget, headers: Pairs, connection: CodeConnection): string {
  const clean = withoutSecrets(headers);
  switch (target) {
    case 'nc':
      return ncTranscript(clean, connection);
    case 'node-asterisk-manager':
      return nodeAsteriskManager(clean, connection);
    case 'node-ami-workbench':
      return nodeWorkbench(clean, connection);
    case 'python-panoramisk':
      return pythonPanoramisk(clean, connection);
    case 'java-asterisk-java':
      return javaAsteriskJava(clean, connection);
  }
}

function ncTranscript(headers: Pairs, c: CodeConnection): string {
  const lines = headers.map(([name, value]) => `${name}: ${value}`);
  // One printf format in single quotes: the secret is its only %s argument, so it never appears in the text.
  const format = (line: string): string => line.replace(/\\/g, '\\\\').replace(/%/g, '%%').replace(/'/g, `'\\''`);
  const wire = ['Action: Login', `Username: ${c.username}`, 'Secret: %s', '', ...lines.map(format), '', 'Action: Logoff', '', ''].join('\\r\\n');
  const sink = c.tls ? `openssl s_client -quiet -connect ${c.host}:${c.port}` : `nc ${c.host} ${c.port}`;
  return [
    `# ${actionOf(headers)} over a raw AMI session (${c.tls ? 'TLS' : 'TCP'}). Set AMI_SECRET first; it is never stored here.`,
    `# Typed by hand (telnet ${c.host} ${c.port}) it is these lines, each block ended by an empty line:`,
    ...['Action: Login', `Username: ${c.username}`, 'Secret: <your secret>', '', ...lines, '', 'Action: Logoff'].map((line) => `#   ${line}`.trimEnd()),
    `printf '${wire}' "$AMI_SECRET" | ${sink}`,
    '',
  ].join('\n');
}

function nodeAsteriskManager(headers: Pairs, c: CodeConnection): string {
  const fields = grouped(headers).map(([name, values]) => {
    const key = name.toLowerCase();
    if (key === 'variable') {
      // asterisk-manager writes an object as one Variable: name=value line per entry.
      const entries = values.map((value) => {
        const eq = value.indexOf('=');
        return eq > 0 ? `${quote(value.slice(0, eq))}: ${quote(value.slice(eq + 1))}` : `${quote(value)}: ''`;
      });
      return `  variable: { ${entries.join(', ')} },`;
    }
    return values.length === 1 ? `  ${quote(key)}: ${quote(values[0])},` : `  ${quote(key)}: [${values.map(quote).join(', ')}],`;
  });
  return [
    `// npm install asterisk-manager · the secret comes from the AMI_SECRET environment variable`,
    ...(c.tls ? ['// asterisk-manager speaks plain TCP only: connect to a non-TLS manager port, or use the core API example.'] : []),
    `const AsteriskManager = require('asterisk-manager');`,
    `const ami = new AsteriskManager(${c.port}, ${quote(c.host)}, ${quote(c.username)}, process.env.AMI_SECRET, true);`,
    `ami.keepConnected();`,
    `ami.action({`,
    ...fields,
    `}, (error, response) => {`,
    `  console.log(error ?? response);`,
    `  ami.disconnect();`,
    `});`,
    '',
  ].join('\n');
}

function nodeWorkbench(headers: Pairs, c: CodeConnection): string {
  return [
    `// AMI Workbench's own client (node/src/amiClient.ts in this repository; run with: npx tsx this-file.ts)`,
    `import { connectAmi } from './node/src/amiClient';`,
    '',
    `const client = await connectAmi({`,
    `  host: ${quote(c.host)},`,
    `  port: ${c.port},`,
    ...(c.tls ? ['  tls: true,'] : []),
    `  credentials: { username: ${quote(c.username)}, secret: process.env.AMI_SECRET ?? '', authType: ${quote(c.authType)} },`,
    `  reconnect: false,`,
    `});`,
    `const result = await client.send([`,
    ...headers.map(([name, value]) => `  [${quote(name)}, ${quote(value)}],`),
    `]);`,
    `console.log(result.response.headers(), result.events.map((event) => event.headers()));`,
    `await client.close();`,
    '',
  ].join('\n');
}

function pythonPanoramisk(headers: Pairs, c: CodeConnection): string {
  const fields = grouped(headers).map(([name, values]) =>
    values.length === 1 ? `        ${pyQuote(name)}: ${pyQuote(values[0])},` : `        ${pyQuote(name)}: [${values.map(pyQuote).join(', ')}],`,
  );
  return [
    `# pip install panoramisk · the secret comes from the AMI_SECRET environment variable`,
    ...(c.tls ? ['# panoramisk: pass ssl=True for a TLS manager port (tlsenable = yes).'] : []),
    `import asyncio`,
    `import os`,
    '',
    `from panoramisk import Manager`,
    '',
    '',
    `async def main():`,
    `    manager = Manager(host=${pyQuote(c.host)}, port=${c.port}, username=${pyQuote(c.username)},`,
    `                      secret=os.environ['AMI_SECRET']${c.tls ? ', ssl=True' : ''})`,
    `    await manager.connect()`,
    `    result = await manager.send_action({`,
    ...fields,
    `    })`,
    `    print(result)`,
    `    manager.close()`,
    '',
    '',
    `asyncio.run(main())`,
    '',
  ].join('\n');
}

/** asterisk-java's setter argument: whole numbers and true/false typed, the rest as text. */
function javaValue(name: string, value: string): string {
  if (/^(true|false|yes|no)$/i.test(value) && /^(async|earlymedia|sync)$/i.test(name)) return /^(true|yes)$/i.test(value) ? 'true' : 'false';
  if (/^\d+$/.test(value) && /^(priority|timeout|codecs?|position|penalty)$/i.test(name)) return /^timeout$/i.test(name) ? `${value}L` : value;
  return quote(value);
}

function javaAsteriskJava(headers: Pairs, c: CodeConnection): string {
  const action = actionOf(headers);
  const className = `${action.charAt(0).toUpperCase()}${action.slice(1)}Action`;
  const setters: string[] = [];
  for (const [name, value] of headers) {
    if (name.toLowerCase() === 'action') continue;
    if (name.toLowerCase() === 'variable') {
      const eq = value.indexOf('=');
      setters.push(`        action.setVariable(${quote(eq > 0 ? value.slice(0, eq) : value)}, ${quote(eq > 0 ? value.slice(eq + 1) : '')});`);
      continue;
    }
    setters.push(`        action.set${name.charAt(0).toUpperCase()}${name.slice(1)}(${javaValue(name, value)});`);
  }
  return [
    `// org.asteriskjava:asterisk-java · the secret comes from the AMI_SECRET environment variable`,
    `// ${className}: check each setter's type in asterisk-java's javadoc if it does not compile.`,
    `import org.asteriskjava.manager.ManagerConnection;`,
    `import org.asteriskjava.manager.ManagerConnectionFactory;`,
    `import org.asteriskjava.manager.action.${className};`,
    `import org.asteriskjava.manager.response.ManagerResponse;`,
    '',
    `public class AmiExample {`,
    `    public static void main(String[] args) throws Exception {`,
    `        ManagerConnection connection = new ManagerConnectionFactory(${quote(c.host)}, ${c.port}, ${quote(c.username)}, System.getenv("AMI_SECRET")).createManagerConnection();`,
    ...(c.tls ? ['        // TLS: connection.setSsl(true) on the DefaultManagerConnection.'] : []),
    `        connection.login();`,
    `        ${className} action = new ${className}();`,
    ...setters,
    `        ManagerResponse response = connection.sendAction(action, 10000);`,
    `        System.out.println(response);`,
    `        connection.logoff();`,
    `    }`,
    `}`,
    '',
  ].join('\n');
}
