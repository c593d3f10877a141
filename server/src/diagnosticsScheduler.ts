/**
 * When to validate each document: at once on open or settings change, `delayMs` after the last edit otherwise,
 * so typing fast in a large file does not validate every keystroke.
 */
export class DiagnosticsScheduler {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly validatedVersions = new Map<string, number>();

  constructor(
    private readonly delayMs: number,
    private readonly run: (uri: string) => void,
  ) {}

  /** Validates `uri` after the delay, replacing any pending run. */
  schedule(uri: string): void {
    this.cancel(uri);
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        this.run(uri);
      }, this.delayMs),
    );
  }

  /** Validates `uri` now, dropping any pending run. */
  runNow(uri: string): void {
    this.cancel(uri);
    this.run(uri);
  }

  markValidated(uri: string, version: number): void {
    this.validatedVersions.set(uri, version);
  }

  isValidated(uri: string, version: number): boolean {
    return this.validatedVersions.get(uri) === version;
  }

  /** The document was closed. */
  forget(uri: string): void {
    this.cancel(uri);
    this.validatedVersions.delete(uri);
  }

  private cancel(uri: string): void {
    const timer = this.timers.get(uri);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(uri);
  }
}
