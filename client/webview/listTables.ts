/**
 * List results as tables: one table per event kind (QueueStatus answers QueueParams and QueueMember rows), the
 * columns people look at first, the completion event's ListItems checked against the rows, CSV/TSV export.
 * Pure (no DOM): the panel renders what these functions decide, and unit tests check it.
 */
import type { HeaderPair } from '../../protocol/src/webviewMessages';

/** The rows of one event kind of a list. */
export interface ListGroup {
  /** The `Event:` value of the rows ("QueueMember"), or "(no Event header)". */
  event: string;
  rows: HeaderPair[][];
  /** Every column of these rows, useful ones first. */
  columns: string[];
}

/** Columns users read first, per list event (lower-case kind → column names); the rest follow in arrival order. */
const PREFERRED_COLUMNS: Record<string, string[]> = {
  coreshowchannel: ['Channel', 'ChannelStateDesc', 'Application', 'ApplicationData', 'Duration', 'CallerIDNum', 'ConnectedLineNum', 'Context', 'Exten', 'Priority', 'BridgeId', 'Uniqueid', 'Linkedid'],
  queueparams: ['Queue', 'Strategy', 'Calls', 'Holdtime', 'TalkTime', 'Completed', 'Abandoned', 'ServiceLevel', 'ServicelevelPerf', 'Max', 'Weight'],
  queuemember: ['Queue', 'Name', 'Location', 'Status', 'Paused', 'PausedReason', 'InCall', 'CallsTaken', 'LastCall', 'Penalty', 'Membership', 'StateInterface'],
  queueentry: ['Queue', 'Position', 'Channel', 'CallerIDNum', 'CallerIDName', 'Wait', 'Priority', 'Uniqueid'],
  endpointlist: ['ObjectName', 'DeviceState', 'ActiveChannels', 'Transport', 'Aor', 'Auths', 'OutboundAuths', 'Contacts'],
  contactlist: ['ObjectName', 'Uri', 'Status', 'RoundtripUsec', 'Endpoint', 'UserAgent', 'ViaAddr'],
  aorlist: ['ObjectName', 'Contact', 'MaxContacts', 'DefaultExpiration', 'QualifyFrequency'],
  peerentry: ['ObjectName', 'IPaddress', 'IPport', 'Status', 'Dynamic', 'Description'],
  bridgelistitem: ['BridgeUniqueid', 'BridgeType', 'BridgeTechnology', 'BridgeNumChannels', 'BridgeCreator', 'BridgeName', 'BridgeVideoSourceMode'],
  parkedcall: ['ParkingSpace', 'ParkingLot', 'ParkeeChannel', 'ParkeeCallerIDNum', 'ParkingDuration', 'ParkingTimeout', 'ParkerDialString'],
  devicestatechange: ['Device', 'State'],
  extensionstatus: ['Exten', 'Context', 'Hint', 'Status', 'StatusText'],
  dahdishowchannels: ['DAHDIChannel', 'Channel', 'Context', 'DND', 'Alarm', 'Description'],
  agents: ['Agent', 'Name', 'Status', 'TalkingToChan', 'CallStarted', 'LoggedInTime'],
  status: ['Channel', 'ChannelStateDesc', 'CallerIDNum', 'ConnectedLineNum', 'Application', 'Data', 'Duration', 'Context', 'Extension', 'Priority', 'Uniqueid', 'Linkedid'],
};

/** Columns shown when the user has not chosen: the preferred ones present, or the first ones of the rows. */
export const DEFAULT_VISIBLE_COLUMNS = 10;

/** Never columns: the same on every row of a list. */
const SKIPPED = new Set(['event', 'actionid', 'eventlist']);

function kindOf(item: readonly HeaderPair[]): string {
  return item.find(([name]) => name.toLowerCase() === 'event')?.[1] ?? '(no Event header)';
}

/** Splits list items by event kind (first-seen order) and orders each kind's columns. */
export function groupListItems(items: readonly HeaderPair[][], fieldOrder?: (event: string) => readonly string[] | undefined): ListGroup[] {
  const groups = new Map<string, ListGroup>();
  for (const item of items) {
    const event = kindOf(item);
    let group = groups.get(event.toLowerCase());
    if (!group) {
      group = { event, rows: [], columns: [] };
      groups.set(event.toLowerCase(), group);
    }
    group.rows.push(item);
  }
  for (const group of groups.values()) group.columns = orderColumns(group.event, group.rows, fieldOrder?.(group.event));
  return [...groups.values()];
}

/** The kind's preferred columns first (or the catalogue's field order), then the rest in arrival order. */
export function orderColumns(event: string, rows: readonly HeaderPair[][], catalogueOrder?: readonly string[]): string[] {
  const present = new Map<string, string>();
  for (const row of rows) {
    for (const [name] of row) {
      const lower = name.toLowerCase();
      if (!SKIPPED.has(lower) && !present.has(lower)) present.set(lower, name);
    }
  }
  const ordered: string[] = [];
  const take = (name: string): void => {
    const actual = present.get(name.toLowerCase());
    if (actual !== undefined && !ordered.includes(actual)) ordered.push(actual);
  };
  for (const name of PREFERRED_COLUMNS[event.toLowerCase()] ?? []) take(name);
  if (!PREFERRED_COLUMNS[event.toLowerCase()]) for (const name of catalogueOrder ?? []) take(name);
  for (const name of present.values()) take(name);
  return ordered;
}

/** The columns shown by default: every preferred one present, at least the first DEFAULT_VISIBLE_COLUMNS. */
export function defaultVisibleColumns(group: Pick<ListGroup, 'event' | 'columns'>): string[] {
  // Columns are already ordered preferred-first: the preferred ones present, topped up to the default count.
  const preferred = new Set((PREFERRED_COLUMNS[group.event.toLowerCase()] ?? []).map((name) => name.toLowerCase()));
  const preferredPresent = group.columns.filter((column) => preferred.has(column.toLowerCase())).length;
  return group.columns.slice(0, Math.max(DEFAULT_VISIBLE_COLUMNS, preferredPresent));
}

/** A remembered choice applied to this list: only columns it has, in the list's order; none left → the default. */
export function visibleColumns(group: Pick<ListGroup, 'event' | 'columns'>, remembered: readonly string[] | undefined): string[] {
  if (!remembered) return defaultVisibleColumns(group);
  const wanted = new Set(remembered.map((name) => name.toLowerCase()));
  const shown = group.columns.filter((column) => wanted.has(column.toLowerCase()));
  return shown.length > 0 ? shown : defaultVisibleColumns(group);
}

/** How the completion event compares with the rows received. */
export interface ListCheck {
  /** `CoreShowChannelsComplete`, or undefined when no completion event came. */
  event?: string;
  /** `Complete` or `cancelled`. */
  status?: string;
  /** ListItems as the server said it, when it did. */
  listItems?: number;
  received: number;
  /** True when ListItems was given and equals the rows received. */
  matches?: boolean;
  /** One line for the card. */
  text: string;
}

/** Checks ListItems of the completion event against the rows. */
export function checkList(items: readonly HeaderPair[][], complete: readonly HeaderPair[] | undefined): ListCheck {
  const received = items.length;
  const rows = `${received} row${received === 1 ? '' : 's'} received`;
  if (!complete) return { received, text: `No completion event: the list did not finish (${rows}).` };
  const get = (name: string): string | undefined => complete.find(([key]) => key.toLowerCase() === name)?.[1];
  const event = get('event');
  const status = get('eventlist');
  const raw = get('listitems');
  const listItems = raw !== undefined && /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : undefined;
  const head = `${event ?? 'completion event'}${status ? ` (EventList: ${status})` : ''}`;
  if (listItems === undefined) return { event, status, received, text: `${head}: no ListItems to check; ${rows}.` };
  const matches = listItems === received;
  return {
    event,
    status,
    listItems,
    received,
    matches,
    text: matches ? `${head}: ✓ ListItems ${listItems} matches the ${rows}.` : `${head}: ✗ ListItems says ${listItems}, but ${rows}.`,
  };
}

/** One cell for CSV: quoted when it holds a comma, quote or line break (RFC 4180). */
function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One cell for TSV: tabs and line breaks become spaces (spreadsheets paste TSV as is). */
function tsvCell(value: string): string {
  return value.replace(/[\t\r\n]+/g, ' ');
}

/** The rows as CSV or TSV (header line first), these columns in this order. */
export function tableText(rows: readonly HeaderPair[][], columns: readonly string[], format: 'csv' | 'tsv'): string {
  const cell = format === 'csv' ? csvCell : tsvCell;
  const separator = format === 'csv' ? ',' : '\t';
  const lines = [columns.map(cell).join(separator)];
  for (const row of rows) {
    const values = new Map(row.map(([name, value]) => [name.toLowerCase(), value]));
    lines.push(columns.map((column) => cell(values.get(column.toLowerCase()) ?? '')).join(separator));
  }
  return lines.join('\r\n') + '\r\n';
}
