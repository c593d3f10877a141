/**
 * The PBX view's rows, built from the live model without vscode: Channels grouped by call (Linkedid), Queues
 * (members with paused/in-use state, waiting callers), Bridges, Parked calls and Counters. Each row lists the
 * row actions the connected user may run, and the `.ami` block each action inserts or runs.
 */
import { formatAge } from '../../../core/src/live/types';
import { clockTime } from '../../../core/src/timeline/clock';
import { callerIdText, memberStatusText, type LiveChannel, type LiveState } from '../../../core/src/live/liveState';
import type { LiveSyncStats } from '../../../core/src/live/liveSync';

/** A row action: the AMI action it sends and the command id suffix. */
export type RowActionId = 'hangup' | 'redirect' | 'park' | 'mixMonitor' | 'queueAdd' | 'queueRemove' | 'queuePause' | 'queueUnpause' | 'showCall';

/** The AMI action behind each row action (showCall sends nothing). */
export const ROW_ACTION_AMI: Record<RowActionId, string | undefined> = {
  hangup: 'Hangup',
  redirect: 'Redirect',
  park: 'Park',
  mixMonitor: 'MixMonitor',
  queueAdd: 'QueueAdd',
  queueRemove: 'QueueRemove',
  queuePause: 'QueuePause',
  queueUnpause: 'QueuePause',
  showCall: undefined,
};

/** One row. */
export interface PbxRow {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  icon?: string;
  /** Row actions offered (only those the user may run). */
  actions: RowActionId[];
  /** Values the actions' blocks are prefilled with. */
  target?: { channel?: string; linkedid?: string; queue?: string; member?: string; paused?: boolean };
  children?: PbxRow[];
}

/** Counters of the view (model + sync). */
export interface PbxCounters {
  connection?: string;
  stats?: LiveSyncStats;
  now: number;
}

/** At most this many rows under one group (the rest is one "… N more" row). */
export const MAX_ROWS_PER_GROUP = 500;

/** The view's top-level rows. `allowed` is the set of actions the user may run (lower-cased), undefined = unknown. */
export function buildPbxTree(state: LiveState, allowed: ReadonlySet<string> | undefined, counters: PbxCounters): PbxRow[] {
  const may = (id: RowActionId): boolean => {
    const action = ROW_ACTION_AMI[id];
    return action === undefined || !allowed || allowed.has(action.toLowerCase());
  };
  const offer = (...ids: RowActionId[]): RowActionId[] => ids.filter(may);
  const now = counters.now;

  const channelRow = (channel: LiveChannel): PbxRow => ({
    id: `channel:${channel.name}`,
    label: channel.name,
    description: [channel.state, formatAge(now - channel.since), channel.application].filter(Boolean).join(' · '),
    tooltip: [
      channel.name,
      `State: ${channel.state}`,
      callerIdText(channel.callerIdName, channel.callerIdNum) ? `Caller ID: ${callerIdText(channel.callerIdName, channel.callerIdNum)}` : '',
      channel.application ? `Application: ${channel.application}(${channel.applicationData})` : '',
      channel.context ? `Dialplan: ${channel.context},${channel.exten},${channel.priority}` : '',
      channel.bridgeId ? `Bridge: ${channel.bridgeId}` : '',
      `Uniqueid: ${channel.uniqueid}`,
    ].filter(Boolean).join('\n'),
    icon: channel.state === 'Up' ? 'call-outgoing' : 'loading',
    actions: offer('hangup', 'redirect', 'park', 'mixMonitor', 'showCall'),
    target: { channel: channel.name, linkedid: channel.linkedid },
  });

  const calls = state.calls();
  const callRows: PbxRow[] = calls.slice(0, MAX_ROWS_PER_GROUP).map((call) => ({
    id: `call:${call.linkedid}`,
    label: `Call ${call.linkedid}`,
    // A start time, not an age: a call row has children, and redrawing a parent makes VS Code forget its children
    // until it asks for them again, so a ticking age here would keep the channels' menus racing the redraw.
    description: `${call.channels.length} channel${call.channels.length === 1 ? '' : 's'} · since ${clockTime(call.channels[0].since)}`,
    icon: 'call-incoming',
    actions: offer('showCall'),
    target: { linkedid: call.linkedid },
    children: call.channels.map(channelRow),
  }));
  if (calls.length > MAX_ROWS_PER_GROUP) callRows.push(moreRow('calls', calls.length - MAX_ROWS_PER_GROUP));

  const queueRows: PbxRow[] = [...state.queues.values()].slice(0, MAX_ROWS_PER_GROUP).map((queue) => {
    const members: PbxRow[] = [...queue.members.values()].map((member) => ({
      id: `member:${queue.name}:${member.interface}`,
      label: member.name || member.interface,
      description: `${member.name ? `${member.interface} · ` : ''}${memberStatusText(member)}${member.pausedReason ? ` (${member.pausedReason})` : ''}`,
      icon: member.paused ? 'debug-pause' : member.inCall || member.status === '2' ? 'person-filled' : 'person',
      actions: offer(member.paused ? 'queueUnpause' : 'queuePause', 'queueRemove'),
      target: { queue: queue.name, member: member.interface, paused: member.paused },
    }));
    const callers: PbxRow[] = [...queue.callers.values()].sort((a, b) => a.position - b.position).map((caller) => ({
      id: `caller:${queue.name}:${caller.channel}`,
      label: `${caller.position}. ${caller.channel}`,
      description: `waiting ${formatAge(now - caller.since)}${caller.callerIdNum ? ` · <${caller.callerIdNum}>` : ''}`,
      icon: 'watch',
      actions: offer('hangup', 'redirect', 'showCall'),
      target: { channel: caller.channel },
    }));
    return {
      id: `queue:${queue.name}`,
      label: queue.name,
      description: `${queue.members.size} member${queue.members.size === 1 ? '' : 's'} · ${queue.callers.size} waiting${queue.droppedEntries ? ` · ${queue.droppedEntries} not shown (cap)` : ''}`,
      icon: 'organization',
      actions: offer('queueAdd'),
      target: { queue: queue.name },
      children: [...members, ...callers],
    };
  });

  const bridgeRows: PbxRow[] = [...state.bridges.values()].slice(0, MAX_ROWS_PER_GROUP).map((bridge) => ({
    id: `bridge:${bridge.id}`,
    label: bridge.name || bridge.id,
    description: `${bridge.type || 'bridge'}${bridge.technology ? ` (${bridge.technology})` : ''} · ${bridge.channels.size} channel${bridge.channels.size === 1 ? '' : 's'}`,
    tooltip: `Bridge ${bridge.id}`,
    icon: 'link',
    actions: [],
    children: [...bridge.channels].map((name) => {
      const channel = state.channels.get(name);
      return channel ? { ...channelRow(channel), id: `bridge:${bridge.id}:${name}` } : { id: `bridge:${bridge.id}:${name}`, label: name, actions: offer('hangup'), target: { channel: name } };
    }),
  }));

  const parkedRows: PbxRow[] = [...state.parked.values()].slice(0, MAX_ROWS_PER_GROUP).map((parked) => ({
    id: `parked:${parked.channel}`,
    label: `${parked.space} · ${parked.channel}`,
    description: `${parked.lot} · ${formatAge(now - parked.since)}${parked.callerIdNum ? ` · <${parked.callerIdNum}>` : ''}`,
    icon: 'debug-pause',
    actions: offer('hangup', 'redirect', 'showCall'),
    target: { channel: parked.channel, linkedid: parked.linkedid },
  }));

  const dropped = Object.entries(state.counters.dropped).filter(([, count]) => (count ?? 0) > 0);
  const stats = counters.stats;
  const counterRows: PbxRow[] = [
    { id: 'counter:channels', label: 'Channels', description: String(state.channels.size), actions: [] },
    { id: 'counter:events', label: 'Events applied', description: `${state.counters.eventsApplied} (${state.counters.eventsIgnored} other)`, actions: [] },
    { id: 'counter:resyncs', label: 'Resyncs', description: `${state.counters.resyncs}${state.counters.lastResyncAt ? ` · last ${formatAge(now - state.counters.lastResyncAt)} ago` : ''}`, actions: [] },
    { id: 'counter:dropped', label: 'Not kept (caps)', description: dropped.length ? dropped.map(([kind, count]) => `${kind} ${count}`).join(', ') : 'none', actions: [] },
  ];
  if (stats) {
    counterRows.push({
      id: 'counter:traffic',
      label: 'Refresh traffic',
      description: trafficText(stats.resyncBytes, stats.bytesToServer, now - stats.startedAt),
      actions: [],
    });
  }

  const group = (id: string, label: string, icon: string, children: PbxRow[], count: number): PbxRow => ({
    id: `group:${id}`, label, description: String(count), icon, actions: [], children,
  });
  const channelsGroup = group('channels', 'Channels', 'call-outgoing', callRows, state.channels.size);
  if (allowed && !allowed.has('coreshowchannels')) {
    // CoreShowChannels needs write permission (system/reporting): such a user sees only channels seen in events.
    channelsGroup.description = `${state.channels.size} · from events since connecting`;
    channelsGroup.tooltip = 'This user may not run CoreShowChannels, so calls that were up before you connected (and channels that send no events since) are not listed.';
  }
  return [
    channelsGroup,
    group('queues', 'Queues', 'organization', queueRows, state.queues.size),
    group('bridges', 'Bridges', 'link', bridgeRows, state.bridges.size),
    group('parked', 'Parked calls', 'debug-pause', parkedRows, state.parked.size),
    { ...group('counters', counters.connection ? `Counters (${counters.connection})` : 'Counters', 'pulse', counterRows, 0), description: undefined },
  ];
}

/**
 * Brings the rows on screen up to date with freshly built ones, in place, and returns the rows VS Code must redraw
 * (undefined: the top level changed, redraw everything). A row whose id stays under the same parent keeps its
 * object, because a context-menu action reaches the extension as a handle that VS Code resolves to that object; a
 * redraw of the whole tree (or of a parent) drops those handles until VS Code has asked for the children again, and
 * an action chosen in that moment would arrive without its row. So only rows whose own text changed are redrawn,
 * and a parent only when its children came, went or moved.
 */
export function reconcileRows(shown: PbxRow[], next: PbxRow[]): PbxRow[] | undefined {
  if (!sameIds(shown, next)) return undefined;
  const redraw: PbxRow[] = [];
  shown.forEach((row, index) => reconcileRow(row, next[index], redraw));
  return redraw;
}

function reconcileRow(row: PbxRow, next: PbxRow, redraw: PbxRow[]): void {
  const textChanged = row.label !== next.label || row.description !== next.description || row.tooltip !== next.tooltip
    || row.icon !== next.icon || row.actions.join(' ') !== next.actions.join(' ');
  Object.assign(row, { label: next.label, description: next.description, tooltip: next.tooltip, icon: next.icon, actions: next.actions, target: next.target });
  if (!sameIds(row.children ?? [], next.children ?? [])) {
    // VS Code asks for the children again when it redraws a parent.
    row.children = next.children;
    redraw.push(row);
    return;
  }
  if (textChanged) redraw.push(row);
  row.children?.forEach((child, index) => reconcileRow(child, next.children![index], redraw));
}

function sameIds(a: readonly PbxRow[], b: readonly PbxRow[]): boolean {
  return a.length === b.length && a.every((row, index) => row.id === b[index].id);
}

function moreRow(what: string, count: number): PbxRow {
  return { id: `more:${what}`, label: `… ${count} more ${what} (not listed)`, actions: [] };
}

/**
 * Bytes read by the list refreshes and sent to the language server: totals, and per minute once a minute has
 * passed (the first sync alone, spread over a few seconds, would read as a huge rate).
 */
function trafficText(fromAmi: number, toServer: number, elapsedMs: number): string {
  if (elapsedMs < 60_000) return `${kb(fromAmi)} from AMI · ${kb(toServer)} to the language server (since ${formatAge(elapsedMs)} ago)`;
  const minutes = elapsedMs / 60_000;
  return `${kb(fromAmi / minutes)}/min from AMI · ${kb(toServer / minutes)}/min to the language server`;
}

function kb(bytes: number): string {
  return bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${Math.round(bytes)} B`;
}

/**
 * The `.ami` block a row action sends, prefilled from the row; undefined for showCall. Values the user must
 * choose (Redirect's target, MixMonitor's file) are `{{$prompt ...}}` so nothing is guessed.
 */
export function rowActionBlock(id: RowActionId, target: NonNullable<PbxRow['target']>): string | undefined {
  const lines = (title: string, ...headers: string[]): string => [`# ${title}`, ...headers, ''].join('\n');
  switch (id) {
    case 'hangup':
      return lines(`Hang up ${target.channel}`, 'Action: Hangup', `Channel: ${target.channel}`, 'Cause: 16');
    case 'redirect':
      return lines(`Redirect ${target.channel}`, 'Action: Redirect', `Channel: ${target.channel}`, 'Context: {{$prompt Context}}', 'Exten: {{$prompt Extension}}', 'Priority: 1');
    case 'park':
      return lines(`Park ${target.channel}`, 'Action: Park', `Channel: ${target.channel}`);
    case 'mixMonitor':
      return lines(`Record ${target.channel}`, 'Action: MixMonitor', `Channel: ${target.channel}`, 'File: {{$prompt Recording file name (e.g. call.wav)}}');
    case 'queueAdd':
      return lines(`Add a member to ${target.queue}`, 'Action: QueueAdd', `Queue: ${target.queue}`, 'Interface: {{$prompt Interface (e.g. PJSIP/100)}}');
    case 'queueRemove':
      return lines(`Remove ${target.member} from ${target.queue}`, 'Action: QueueRemove', `Queue: ${target.queue}`, `Interface: ${target.member}`);
    case 'queuePause':
      return lines(`Pause ${target.member} in ${target.queue}`, 'Action: QueuePause', `Queue: ${target.queue}`, `Interface: ${target.member}`, 'Paused: true');
    case 'queueUnpause':
      return lines(`Unpause ${target.member} in ${target.queue}`, 'Action: QueuePause', `Queue: ${target.queue}`, `Interface: ${target.member}`, 'Paused: false');
    case 'showCall':
      return undefined;
  }
}
