/** A minimal typed event emitter (core/ cannot use node:events or vscode's EventEmitter). */

/** Returned by every subscription. */
export interface Disposable {
  dispose(): void;
}

/** Subscribe with `emitter.event(listener)`; fire with `emitter.fire(value)`. */
export class Emitter<T> {
  private listeners: Array<(value: T) => void> = [];

  /** Adds a listener; dispose the result to remove it. */
  readonly event = (listener: (value: T) => void): Disposable => {
    this.listeners = [...this.listeners, listener];
    return {
      dispose: () => {
        this.listeners = this.listeners.filter((l) => l !== listener);
      },
    };
  };

  get hasListeners(): boolean {
    return this.listeners.length > 0;
  }

  /** Calls every listener in order; a throwing listener does not stop the others (its error is reported). */
  fire(value: T): void {
    // An indexed loop over the current array (replaced, never mutated, on subscribe/dispose): per event, no iterator.
    const listeners = this.listeners;
    for (let k = 0; k < listeners.length; k++) {
      try {
        listeners[k](value);
      } catch (error) {
        // A throwing listener must not stop the socket reader; its error is reported, not lost.
        if (this.onListenerError) this.onListenerError(error);
        else console.error('AMI listener failed:', error);
      }
    }
  }

  /** Where listener exceptions go (default: console.error). */
  onListenerError?: (error: unknown) => void;

  dispose(): void {
    this.listeners = [];
  }
}
