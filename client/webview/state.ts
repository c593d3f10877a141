/**
 * The panel's state: the VS Code webview API, what survives the panel being hidden (`PanelState`, through
 * getState/setState) and the event field docs the extension sends along with the data it replays.
 */
import type { FieldDocs, FromWebview } from '../../protocol/src/webviewMessages';
import { ownValue } from '../../core/src/text/ownKeys';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** What survives the panel being hidden (kept small: the data itself is replayed by the extension). */
export interface PanelState {
  tab: 'results' | 'events' | 'timeline';
  /** Linkedid of the call the timeline shows. */
  timelineCall?: string;
  filterText: string;
  pausedAt?: number;
  selectedSeq?: number;
  /** Columns the user chose per list event kind (lower-case kind → names). */
  listColumns?: Record<string, string[]>;
}

/** The saved state, checked field by field (it comes back from VS Code as untyped JSON). */
export function restoreState(raw: unknown): PanelState {
  const fallback: PanelState = { tab: 'results', filterText: '' };
  if (typeof raw !== 'object' || raw === null) return fallback;
  const value = raw as Record<string, unknown>;
  return {
    tab: value.tab === 'events' || value.tab === 'timeline' ? value.tab : 'results',
    timelineCall: typeof value.timelineCall === 'string' ? value.timelineCall.slice(0, 200) : undefined,
    filterText: typeof value.filterText === 'string' ? value.filterText.slice(0, 4000) : '',
    pausedAt: typeof value.pausedAt === 'number' ? value.pausedAt : undefined,
    selectedSeq: typeof value.selectedSeq === 'number' ? value.selectedSeq : undefined,
    listColumns: restoreColumns(value.listColumns),
  };
}

function restoreColumns(raw: unknown): Record<string, string[]> | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const out: Record<string, string[]> = {};
  for (const [kind, columns] of Object.entries(raw as Record<string, unknown>).slice(0, 200)) {
    if (Array.isArray(columns) && columns.every((c) => typeof c === 'string')) out[kind.slice(0, 200)] = (columns).slice(0, 200);
  }
  return out;
}

/** The one place the views read and change shared state, and talk to the extension. */
export class PanelContext {
  /** Catalogue descriptions of event fields, by lower-cased event name and field. */
  readonly docs: FieldDocs = {};
  readonly state: PanelState;

  constructor(private readonly api: VsCodeApi = acquireVsCodeApi()) {
    this.state = restoreState(api.getState());
  }

  post(message: FromWebview): void {
    this.api.postMessage(message);
  }

  /** Keeps `state` for when the panel is shown again. */
  save(): void {
    this.api.setState(this.state);
  }

  addDocs(docs: FieldDocs | undefined): void {
    if (docs) Object.assign(this.docs, docs);
  }

  /** The catalogue description of `field` in events named `eventName`. */
  fieldDoc(eventName: string, field: string): string | undefined {
    // Names come from the server: own keys only (an event named `constructor` must not find Object's).
    return ownValue(ownValue(this.docs, eventName.toLowerCase()), field.toLowerCase());
  }
}
