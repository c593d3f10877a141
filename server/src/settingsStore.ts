/**
 * `ami.*` settings for each document: pulled with workspace/configuration when the client supports it (VS Code,
 * Neovim 0.8+, Helix), else taken from `initializationOptions` and from didChangeConfiguration's payload (Neovim
 * 0.7, clients that push settings). Cached until the configuration changes. Says once in the client's log which
 * Asterisk branch is used and where it came from.
 */
import { MessageType, ShowMessageNotification, type Connection, type InitializeParams } from 'vscode-languageserver/node';
import { getCatalogue } from '../../core/src/catalogue/index';

/** The `ami` settings section, as the server understands it. */
export interface AmiSettings {
  /** As configured (`"20"`, `"20.5.1"`); undefined for the catalogue's newest. */
  asteriskVersion?: string;
  /** `ami.live.diagnostics`: information diagnostics against the connected server (default true). */
  liveDiagnostics?: boolean;
  /** Where `asteriskVersion` came from, for the log (e.g. "initializationOptions.ami"). */
  source?: string;
}

/** Per-document settings with workspace/configuration, or the pushed global settings as the fallback. */
export class SettingsStore {
  private supportsConfigurationPull = false;
  private supportsDynamicRegistration = false;
  private globalSettings: AmiSettings = {};
  private readonly perDocument = new Map<string, Promise<AmiSettings>>();
  private readonly warned = new Set<string>();
  private lastBranchReport = '';

  constructor(private readonly connection: Connection) {}

  /** Reads the client's capabilities (and `initializationOptions.ami`, for clients that configure that way). */
  initialize(params: InitializeParams): void {
    const workspace = params.capabilities.workspace;
    this.supportsConfigurationPull = workspace?.configuration === true;
    this.supportsDynamicRegistration = workspace?.didChangeConfiguration?.dynamicRegistration === true;
    const fromOptions = this.parseSection(params.initializationOptions, 'initializationOptions');
    if (fromOptions) this.globalSettings = fromOptions;
  }

  /** True when the server should register for didChangeConfiguration itself. */
  get canRegisterConfigurationChange(): boolean {
    return this.supportsConfigurationPull && this.supportsDynamicRegistration;
  }

  /** Settings of one document (a resolved promise once cached, so requests stay fast). */
  forDocument(uri: string): Promise<AmiSettings> {
    if (!this.supportsConfigurationPull) return Promise.resolve(this.globalSettings);
    let pending = this.perDocument.get(uri);
    if (!pending) {
      pending = this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'ami' }).then(
        // A client that answers the pull with no version (Neovim with only init_options) keeps the pushed one.
        (value: unknown) => {
          const pulled = this.parse(value, 'workspace/configuration');
          return pulled.asteriskVersion === undefined ? this.globalSettings : pulled;
        },
        (error: unknown) => {
          this.connection.console.warn(`Could not read the "ami" settings for ${uri} (${String(error)}); using defaults.`);
          return this.globalSettings;
        },
      );
      this.perDocument.set(uri, pending);
    }
    return pending;
  }

  /** didChangeConfiguration: drop the cache; take pushed settings when the client does not support pulling. */
  configurationChanged(payload: unknown): void {
    this.perDocument.clear();
    const pushed = this.parseSection(payload, 'workspace/didChangeConfiguration');
    if (pushed) this.globalSettings = pushed;
  }

  /**
   * Logs (window/logMessage) the branch the server checks against and where that came from, each time that
   * changes: the first time a document is checked, and after a configuration change that changes it.
   */
  reportBranch(branch: string, configured: string | undefined, source: string | undefined): void {
    // Called for every request: compare before building the message.
    const key = `${branch}\u0000${configured ?? ''}\u0000${source ?? ''}`;
    if (key === this.lastBranchReport) return;
    this.lastBranchReport = key;
    const origin =
      configured === undefined
        ? 'no ami.asteriskVersion was given (set it in initializationOptions.ami, workspace/configuration or workspace/didChangeConfiguration), so the newest branch the catalogue knows'
        : `ami.asteriskVersion "${configured}" from ${source ?? 'the settings'}${
            configured.trim().split('.')[0] === branch ? '' : ` (not a branch the catalogue knows: ${getCatalogue().branches.join(', ')})`
          }`;
    this.connection.console.info(`AMI: checking .ami scripts against Asterisk ${branch}: ${origin}.`);
  }

  forget(uri: string): void {
    this.perDocument.delete(uri);
  }

  /**
   * Normalises the connected server's branch ("20", "20.5.1", 20) to one the catalogue covers; otherwise warns
   * once, naming the branches that are available, and returns undefined (the setting applies).
   */
  checkBranch(value: unknown, source: string): string | undefined {
    if (value === undefined || value === null || value === '') return undefined;
    const text = typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
    const major = /^\s*(\d+)/.exec(text)?.[1];
    const branches = getCatalogue().branches;
    if (major !== undefined && branches.includes(major)) return major;
    const key = `${source}\u0000${text}`;
    if (!this.warned.has(key)) {
      this.warned.add(key);
      const message = `AMI: Asterisk version "${text}" from ${source} is not one the catalogue knows (${branches.join(', ')}); checking against ${branches[branches.length - 1]} instead.`;
      this.connection.console.warn(message);
      // A notification, not showWarningMessage (a request some clients do not answer).
      void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
    }
    return undefined;
  }

  /** `{ ami: { asteriskVersion } }`, or `{ asteriskVersion }` without the section; undefined when neither. */
  private parseSection(payload: unknown, origin: string): AmiSettings | undefined {
    if (!isRecord(payload)) return undefined;
    if (isRecord(payload.ami)) return this.parse(payload.ami, `${origin}.ami`);
    if ('asteriskVersion' in payload) return this.parse(payload, origin);
    return undefined;
  }

  // An unknown version is passed on: the language service reports it in the document, naming the known ones.
  private parse(value: unknown, source: string): AmiSettings {
    if (!isRecord(value)) return {};
    const settings: AmiSettings = {};
    const version = value.asteriskVersion;
    if (typeof version === 'number') settings.asteriskVersion = String(version);
    else if (typeof version === 'string' && version.trim() !== '') settings.asteriskVersion = version.trim();
    if (settings.asteriskVersion !== undefined) settings.source = source;
    // Both the nested shape ({ live: { diagnostics } }) and VS Code's dotted key are accepted.
    const live = isRecord(value.live) ? value.live.diagnostics : value['live.diagnostics'];
    if (typeof live === 'boolean') settings.liveDiagnostics = live;
    return settings;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
