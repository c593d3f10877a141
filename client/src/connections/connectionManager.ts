/**
 * The active AMI connection of the window: profile choice, secret from SecretStorage, connect/disconnect,
 * status bar, log channel (secrets redacted), and what the language server learns on connect (branch and
 * the actions this user may run). Nothing connects in an untrusted workspace.
 */
import * as vscode from 'vscode';
import { AmiClient } from '../../../node/src/amiClient';
import type { ConnectionState } from '../../../core/src/session/connection';
import { redactText } from '../../../core/src/wire/redact';
import type { ConnectionView } from '../../../protocol/src/webviewMessages';
import type { LiveServerInfoParams } from '../../../protocol/src/lspExtensions';
import { explainFailure } from './errors';
import { presentConnection, type ConnectionPresentation } from './statusText';
import { describeTarget, isLoopback, parseProfiles, secretKey, SETTING_CONNECTIONS, type ConnectionProfile } from '../../../core/src/profiles/profiles';

const ACTIVE_KEY = 'ami.activeConnection';

/** What the server told us on connect. */
export interface ServerFacts {
  amiVersion: string;
  asteriskVersion?: string;
  branch?: string;
  allowedActions?: string[];
}

/** The connection of this window; fires onDidChange on every state change. */
export class ConnectionManager implements vscode.Disposable {
  private client: AmiClient | undefined;
  private profile: ConnectionProfile | undefined;
  private state: ConnectionState = { kind: 'idle' };
  private facts: ServerFacts | undefined;
  private readonly statusItem: vscode.StatusBarItem;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly clientChanged = new vscode.EventEmitter<AmiClient | undefined>();
  private retryTicker: NodeJS.Timeout | undefined;
  private retryAt = 0;
  private lastProfileErrors = '';
  private readonly disposables: vscode.Disposable[] = [];

  /** Fires when state, profile or facts change. */
  readonly onDidChange = this.changed.event;
  /** Fires when a new client starts (or the client goes away). */
  readonly onDidChangeClient = this.clientChanged.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
    private readonly pushServerInfo: (info: LiveServerInfoParams) => Promise<void>,
  ) {
    this.statusItem = vscode.window.createStatusBarItem('ami.connection', vscode.StatusBarAlignment.Left, 50);
    this.statusItem.name = 'AMI Connection';
    this.statusItem.command = 'ami.selectConnection';
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SETTING_CONNECTIONS)) {
          this.render();
          void this.sendLiveInfo();
        }
      }),
    );
    this.render();
  }

  /** Log a line with secrets redacted. */
  info(line: string): void {
    this.log.info(redactText(line));
  }

  /** Valid profiles from settings; problems are logged once per call. */
  profiles(): ConnectionProfile[] {
    const raw = vscode.workspace.getConfiguration().get<unknown>(SETTING_CONNECTIONS);
    const { profiles, errors } = parseProfiles(raw);
    const summary = errors.join('\n');
    if (summary !== this.lastProfileErrors) {
      this.lastProfileErrors = summary;
      for (const error of errors) this.log.warn(error);
      if (errors.length > 0) {
        void vscode.window.showWarningMessage(`AMI: ${errors.length} connection profile(s) ignored: ${errors[0]}${errors.length > 1 ? ' (more in the AMI Workbench log)' : ''}`);
      }
    }
    return profiles;
  }

  get activeProfile(): ConnectionProfile | undefined {
    if (this.profile) return this.profile;
    const name = this.context.globalState.get<string>(ACTIVE_KEY);
    const profiles = this.profiles();
    return profiles.find((p) => p.name === name) ?? (profiles.length === 1 ? profiles[0] : undefined);
  }

  get connection(): AmiClient | undefined {
    return this.client;
  }

  get serverFacts(): ServerFacts | undefined {
    return this.facts;
  }

  get isConnected(): boolean {
    return this.state.kind === 'connected';
  }

  /** A client exists and is (re)connecting on its own backoff: a new attempt would only add load. */
  get isReconnecting(): boolean {
    return this.client !== undefined && (this.state.kind === 'connecting' || this.state.kind === 'retrying');
  }

  /** What the panel shows about the connection. */
  view(): ConnectionView | null {
    const profile = this.profile ?? this.activeProfile;
    if (!profile) return null;
    const { state, detail } = this.present(profile);
    return { name: profile.name, state, detail, production: profile.production };
  }

  private present(profile: ConnectionProfile | undefined): ConnectionPresentation {
    return presentConnection(profile, this.state, this.facts, this.retryAt, Date.now());
  }

  private render(): void {
    const shown = this.present(this.profile ?? this.activeProfile);
    const item = this.statusItem;
    item.text = shown.text;
    item.tooltip = shown.tooltip;
    item.backgroundColor =
      shown.colour === 'warning'
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : shown.colour === 'error'
          ? new vscode.ThemeColor('statusBarItem.errorBackground')
          : undefined;
    item.show();
    this.changed.fire();
  }

  /** Trust gate every command calls first (a command runs even when its menu entry is hidden). */
  static checkTrust(): boolean {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window.showWarningMessage(
      'AMI Workbench does not connect or send actions in an untrusted workspace. Trust the workspace (Workspaces: Manage Workspace Trust) to enable it.',
    );
    return false;
  }

  /** "AMI: Select Connection": pick a profile (and connect to it). */
  async select(): Promise<ConnectionProfile | undefined> {
    const profiles = this.profiles();
    if (profiles.length === 0) {
      const open = 'Open Settings';
      const answer = await vscode.window.showInformationMessage(
        `No AMI connection is configured. Add one to "${SETTING_CONNECTIONS}" in your user settings, e.g. {"name": "lab", "host": "127.0.0.1", "username": "admin"}.`,
        open,
      );
      if (answer === open) await vscode.commands.executeCommand('workbench.action.openSettingsJson');
      return undefined;
    }
    const current = this.activeProfile?.name;
    const picked = await vscode.window.showQuickPick(
      profiles.map((p) => ({
        label: `${p.name === current ? '$(check) ' : ''}${p.name}`,
        description: describeTarget(p),
        detail: p.production ? 'production: every state-changing action asks first' : undefined,
        profile: p,
      })),
      { placeHolder: 'AMI connection to use' },
    );
    if (!picked) return undefined;
    await this.context.globalState.update(ACTIVE_KEY, picked.profile.name);
    if (this.client && this.profile?.name !== picked.profile.name) await this.disconnect();
    this.profile = picked.profile;
    this.render();
    void this.sendLiveInfo();
    if (vscode.workspace.isTrusted) await this.connect(picked.profile);
    return picked.profile;
  }

  /** "AMI: Set Password": stores the secret of a profile in SecretStorage. */
  async setPassword(profile?: ConnectionProfile): Promise<boolean> {
    const target = profile ?? this.activeProfile ?? (await this.pickProfile('Connection to set the password for'));
    if (!target) return false;
    const secret = await vscode.window.showInputBox({
      title: `AMI secret for ${describeTarget(target)}`,
      prompt: 'The manager.conf "secret" of this user. Stored in the OS keychain (SecretStorage), never in settings.',
      password: true,
      ignoreFocusOut: true,
    });
    if (secret === undefined) return false;
    if (/[\r\n\0]/.test(secret)) {
      void vscode.window.showErrorMessage('The secret cannot contain line breaks or NUL characters.');
      return false;
    }
    await this.context.secrets.store(secretKey(target), secret);
    this.info(`secret stored for ${target.name}`);
    return true;
  }

  /** Stores a profile's secret without asking (automation and end-to-end tests). */
  async storeSecret(profileName: string, secret: string): Promise<void> {
    const profile = this.profiles().find((p) => p.name === profileName);
    if (!profile) throw new Error(`No connection named "${profileName}" in ${SETTING_CONNECTIONS}.`);
    if (/[\r\n\0]/.test(secret)) throw new Error('The secret cannot contain line breaks or NUL characters.');
    await this.context.secrets.store(secretKey(profile), secret);
  }

  private async pickProfile(placeHolder: string): Promise<ConnectionProfile | undefined> {
    const profiles = this.profiles();
    if (profiles.length === 0) {
      await this.select();
      return undefined;
    }
    if (profiles.length === 1) return profiles[0];
    const picked = await vscode.window.showQuickPick(
      profiles.map((p) => ({ label: p.name, description: describeTarget(p), profile: p })),
      { placeHolder },
    );
    return picked?.profile;
  }

  /** "AMI: Connect". Resolves true once logged in. */
  async connect(profile?: ConnectionProfile): Promise<boolean> {
    if (!ConnectionManager.checkTrust()) return false;
    const target = profile ?? this.activeProfile ?? (await this.pickProfile('Connection to connect to'));
    if (!target) return false;
    if (this.client && this.profile?.name === target.name && this.state.kind === 'connected') return true;
    if (this.client) await this.disconnect();
    let secret = await this.context.secrets.get(secretKey(target));
    if (secret === undefined) {
      if (!(await this.setPassword(target))) return false;
      secret = await this.context.secrets.get(secretKey(target));
      if (secret === undefined) return false;
    }
    if (target.authType === 'plain' && !target.tls && !isLoopback(target.host)) {
      const go = 'Send in plain text';
      const answer = await vscode.window.showWarningMessage(
        `The secret of ${describeTarget(target)} would cross the network in plain text. Use "authType": "md5" or "tls": true in ${SETTING_CONNECTIONS} to avoid it.`,
        { modal: true },
        go,
      );
      if (answer !== go) return false;
    }
    this.profile = target;
    await this.context.globalState.update(ACTIVE_KEY, target.name);
    this.facts = undefined;
    const timeoutMs = vscode.workspace.getConfiguration('ami.run').get<number>('timeoutSeconds', 10) * 1000;
    let client: AmiClient;
    try {
      client = new AmiClient({
        host: target.host,
        port: target.port,
        tls: target.tls,
        caFile: target.caFile,
        credentials: { username: target.username, secret, authType: target.authType, events: target.events },
        actionTimeoutMs: timeoutMs,
        eventQueueCapacity: 50_000,
        log: (line) => this.info(line),
      });
    } catch (error) {
      this.reportFailure(error, target);
      return false;
    }
    this.client = client;
    this.clientChanged.fire(client);
    client.onState((state) => this.onState(client, state));
    this.info(`connecting to ${describeTarget(target)}`);
    const connected = client.whenConnected();
    client.start();
    try {
      await connected;
      return true;
    } catch (error) {
      this.reportFailure(error, target);
      return false;
    }
  }

  private reportFailure(error: unknown, profile: ConnectionProfile): void {
    const explained = explainFailure(error, profile);
    this.log.error(redactText(explained.detail));
    const settings = 'Open Settings';
    const password = 'Set Password';
    void vscode.window
      .showErrorMessage(`AMI ${profile.name}: ${explained.detail}`, ...(explained.kind === 'auth' ? [password, settings] : [settings]))
      .then((answer) => {
        if (answer === settings) void vscode.commands.executeCommand('workbench.action.openSettings', SETTING_CONNECTIONS);
        if (answer === password) void this.setPassword(profile);
      });
  }

  private onState(client: AmiClient, state: ConnectionState): void {
    if (client !== this.client) return;
    this.state = state;
    if (this.retryTicker) clearInterval(this.retryTicker);
    this.retryTicker = undefined;
    if (state.kind === 'retrying') {
      this.retryAt = Date.now() + state.inMs;
      this.retryTicker = setInterval(() => this.render(), 1000);
    }
    if (state.kind === 'connected') void this.learnServer(client, state.amiVersion);
    if (state.kind === 'failed' || state.kind === 'closed' || state.kind === 'retrying') void this.sendLiveInfo();
    this.render();
  }

  /** CoreSettings (version) and ListCommands (what this user may run), then tell the language server. */
  private async learnServer(client: AmiClient, amiVersion: string): Promise<void> {
    const facts: ServerFacts = { amiVersion };
    try {
      const settings = await client.send([['Action', 'CoreSettings']]);
      facts.asteriskVersion = settings.response.get('AsteriskVersion');
      const major = /^(\d+)\./.exec(facts.asteriskVersion ?? '')?.[1];
      if (major) facts.branch = major;
    } catch (error) {
      this.log.warn(`CoreSettings failed: ${(error as Error).message}`);
    }
    try {
      const commands = await client.send([['Action', 'ListCommands']]);
      if (commands.success) {
        facts.allowedActions = commands.response
          .headers()
          .map(([name]) => name)
          .filter((name) => !['response', 'actionid', 'message'].includes(name.toLowerCase()));
      }
    } catch (error) {
      this.log.warn(`ListCommands failed: ${(error as Error).message}`);
    }
    if (client !== this.client) return;
    this.facts = facts;
    this.info(
      `connected: Asterisk ${facts.asteriskVersion ?? '?'}, AMI ${amiVersion}, ${facts.allowedActions?.length ?? '?'} actions allowed`,
    );
    this.render();
    await this.sendLiveInfo();
  }

  /**
   * Tells the language server what it should validate against: while connected, the server's branch and the
   * actions this user may run; always, the active profile's variables (so `{{name}}` from the profile resolves).
   */
  async sendLiveInfo(): Promise<void> {
    const connected = this.state.kind === 'connected' ? this.facts : undefined;
    try {
      await this.pushServerInfo({
        branch: connected?.branch ?? null,
        allowedActions: connected?.allowedActions ?? null,
        profileVariables: this.activeProfile?.variables ?? null,
      });
    } catch (error) {
      this.log.warn(`could not update the language server: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** "AMI: Disconnect": logs off and stops reconnecting. */
  async disconnect(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    this.clientChanged.fire(undefined);
    this.facts = undefined;
    try {
      await client.close();
    } catch (error) {
      this.log.warn(`disconnect: ${(error as Error).message}`);
    }
    this.state = { kind: 'closed', reason: 'disconnected' };
    if (this.retryTicker) clearInterval(this.retryTicker);
    this.retryTicker = undefined;
    this.info(`disconnected from ${this.profile?.name ?? '?'}`);
    await this.sendLiveInfo();
    this.render();
  }

  dispose(): void {
    if (this.retryTicker) clearInterval(this.retryTicker);
    void this.client?.close();
    this.statusItem.dispose();
    this.changed.dispose();
    this.clientChanged.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
