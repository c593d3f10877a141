/** Extension entry point: activation on `.ami` documents starts the language client. */
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createLanguageClient } from './languageClient';
import { registerLiveFeatures, type LiveController } from './live/liveController';
import { registerRunFeatures, type RunFeatures } from './run';

/** Milliseconds of this activation (bench/activation.ts reads them; the language server's log shows them). */
export interface ActivationTimings {
  /** Evaluating the bundle (first line to last): loading our code. */
  loadMs: number;
  /** From the bundle loaded to activate() called: VS Code preparing the extension context, not our code. */
  hostWaitMs: number;
  /** activate() until the language client and every command are registered. */
  registerMs: number;
  /** activate() until the language server answered `initialize` (activate resolves then). */
  serverReadyMs: number;
  /** CPU time of the extension host process while loading our code (on a busy machine wall time mostly waits). */
  loadCpuMs: number;
  /** CPU time of the extension host process while registering the language client and commands. */
  registerCpuMs: number;
  /** Of registerMs: creating the language client, then the run and live features (connections, panel, PBX view, commands). */
  clientMs: number;
  runFeaturesMs: number;
}

/** What activate() returns: used by other parts of the extension and awaited by end-to-end tests. */
export interface AmiExtensionApi {
  readonly activation: ActivationTimings;
  /** The running language client (already started). */
  readonly languageClient: LanguageClient;
  /** Connections, block runner and panel (client/src/run). */
  readonly run: RunFeatures;
  /** Live values for the language server and the PBX view (client/src/live). */
  readonly live: LiveController;
}

let client: LanguageClient | undefined;

interface BundleStamps {
  start?: number;
  end?: number;
  startCpu?: NodeJS.CpuUsage;
  endCpu?: NodeJS.CpuUsage;
}

/** Stamps of the bundle's first and last line (esbuild.mjs banner and footer); undefined when not bundled. */
function bundleStamps(): BundleStamps {
  const stamps = globalThis as { __amiBundleLoadStart?: number; __amiBundleLoadEnd?: number; __amiBundleLoadStartCpu?: NodeJS.CpuUsage; __amiBundleLoadEndCpu?: NodeJS.CpuUsage };
  return { start: stamps.__amiBundleLoadStart, end: stamps.__amiBundleLoadEnd, startCpu: stamps.__amiBundleLoadStartCpu, endCpu: stamps.__amiBundleLoadEndCpu };
}

/** Milliseconds of CPU (user + system) between two process.cpuUsage() readings. */
function cpuMs(from: NodeJS.CpuUsage | undefined, to: NodeJS.CpuUsage | undefined): number {
  if (!from || !to) return Number.NaN;
  return (to.user - from.user + to.system - from.system) / 1000;
}

/** Starts the language server; resolves once it has answered `initialize`. */
export async function activate(context: vscode.ExtensionContext): Promise<AmiExtensionApi> {
  const activateStart = performance.now();
  const activateStartCpu = process.cpuUsage();
  const languageClient = createLanguageClient(context);
  client = languageClient;
  const clientCreated = performance.now();
  // Before start(): the run commands exist even if the language server fails to start.
  const run = registerRunFeatures(context, languageClient);
  const live = registerLiveFeatures(context, languageClient, run);
  const registered = performance.now();
  const registeredCpu = process.cpuUsage();
  await languageClient.start();
  const bundle = bundleStamps();
  const activation: ActivationTimings = {
    loadMs: bundle.start === undefined || bundle.end === undefined ? Number.NaN : bundle.end - bundle.start,
    hostWaitMs: bundle.end === undefined ? Number.NaN : activateStart - bundle.end,
    registerMs: registered - activateStart,
    serverReadyMs: performance.now() - activateStart,
    loadCpuMs: cpuMs(bundle.startCpu, bundle.endCpu),
    registerCpuMs: cpuMs(activateStartCpu, registeredCpu),
    clientMs: clientCreated - activateStart,
    runFeaturesMs: registered - clientCreated,
  };
  languageClient.outputChannel.appendLine(
    `Activated: code loaded in ${activation.loadMs.toFixed(1)} ms (${activation.loadCpuMs.toFixed(1)} ms CPU; then ${activation.hostWaitMs.toFixed(1)} ms until VS Code called activate), ` +
      `language client and commands registered in ${activation.registerMs.toFixed(1)} ms (${activation.registerCpuMs.toFixed(1)} ms CPU; client ${activation.clientMs.toFixed(1)} ms, run features ${activation.runFeaturesMs.toFixed(1)} ms), ` +
      `language server ready after ${activation.serverReadyMs.toFixed(1)} ms.`,
  );
  reportActivation(activation);
  return {
    activation,
    languageClient,
    run,
    live,
  };
}

/** AMI_ACTIVATION_REPORT=file (bench/activation.ts): the timings as JSON, for a benchmark outside the host. */
function reportActivation(activation: ActivationTimings): void {
  const file = process.env.AMI_ACTIVATION_REPORT;
  if (!file) return;
  void import('node:fs/promises').then((fs) => fs.writeFile(file, JSON.stringify(activation))).catch(() => undefined);
}

/** Stops the server (VS Code waits for the returned promise). */
export async function deactivate(): Promise<void> {
  const stopping = client;
  client = undefined;
  if (stopping) await stopping.stop();
}
