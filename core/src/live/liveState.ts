/**
 * The state of the connected PBX, kept from list actions (CoreShowChannels, ShowDialPlan, QueueStatus...) and
 * from events (Newchannel, Hangup, Rename, Newstate, Bridge*, Queue*, Parked*...). Pure: messages in, plain
 * records and deltas for the language server out. Every collection has a cap; what a cap keeps out is counted.
 */
import type { AmiMessage } from '../wire/types';
import { formatAge, liveKey, type LiveKind, type LiveValue, type LiveValueKey, type LiveValuesDelta } from './types';
import { ownValue } from '../text/ownKeys';

/** Upper bounds of the model (a PBX bigger than this is shown in part, with the rest counted). */
export interface LiveCaps {
  channels: number;
  /** Extensions and priorities together. */
  dialplan: number;
  queues: number;
  /** Members and waiting callers per queue. */
  queueEntries: number;
  applications: number;
  variables: number;
  bridges: number;
  conferences: number;
  parked: number;
  parkinglots: number;
  mailboxes: number;
}

/** Default caps: well above a large single PBX, small enough to stay a few MB. */
export const DEFAULT_LIVE_CAPS: Readonly<LiveCaps> = Object.freeze({
  channels: 10_000,
  dialplan: 50_000,
  queues: 1_000,
  queueEntries: 2_000,
  applications: 2_000,
  variables: 1_000,
  bridges: 5_000,
  conferences: 1_000,
  parked: 2_000,
  parkinglots: 200,
  mailboxes: 10_000,
});

/** A live channel. */
export interface LiveChannel {
  name: string;
  uniqueid: string;
  linkedid: string;
  state: string;
  callerIdNum: string;
  callerIdName: string;
  connectedNum: string;
  context: string;
  exten: string;
  priority: string;
  application: string;
  applicationData: string;
  bridgeId: string;
  /** Epoch ms of creation (from the event's arrival or CoreShowChannel's Duration). */
  since: number;
  /** Epoch ms of the last event or list item about it (a resync keeps what changed after it started). */
  touchedAt: number;
}

/** A member of a queue. */
export interface LiveQueueMember {
  interface: string;
  name: string;
  /** Device state number as Asterisk sends it (1 not in use, 2 in use, 5 unavailable, 6 ringing...). */
  status: string;
  paused: boolean;
  pausedReason: string;
  inCall: boolean;
  penalty: string;
  callsTaken: string;
}

/** A caller waiting in a queue. */
export interface LiveQueueCaller {
  channel: string;
  position: number;
  callerIdNum: string;
  since: number;
}

/** A queue with its members and waiting callers. */
export interface LiveQueue {
  name: string;
  strategy: string;
  holdTime: string;
  members: Map<string, LiveQueueMember>;
  callers: Map<string, LiveQueueCaller>;
  droppedEntries: number;
}

/** A bridge and the channels in it. */
export interface LiveBridge {
  id: string;
  type: string;
  technology: string;
  name: string;
  creator: string;
  channels: Set<string>;
}

/** A parked call. */
export interface LiveParkedCall {
  channel: string;
  lot: string;
  space: string;
  timeout: string;
  callerIdNum: string;
  linkedid: string;
  since: number;
}

/** A ConfBridge conference. */
export interface LiveConference {
  name: string;
  parties: number;
  locked: boolean;
  muted: boolean;
}

/** A voicemail box. */
export interface LiveMailbox {
  id: string;
  fullName: string;
  newMessages: string;
}

/** Counters of the model, shown in the PBX view. */
export interface LiveCounters {
  eventsApplied: number;
  /** Events that changed nothing here (other event types). */
  eventsIgnored: number;
  resyncs: number;
  lastResyncAt?: number;
  /** Values a cap kept out, per kind. */
  dropped: Partial<Record<LiveKind, number>>;
}

/** List actions the model knows how to read, in the order a resync sends them. */
export const RESYNC_ACTIONS: ReadonlyArray<{ action: string; headers?: Array<[string, string]>; kinds: LiveKind[] }> = [
  { action: 'CoreShowChannels', kinds: ['channel'] },
  { action: 'ShowDialPlan', kinds: ['context', 'exten', 'priority'] },
  { action: 'QueueStatus', kinds: ['queue', 'member'] },
  { action: 'QueueSummary', kinds: [] },
  { action: 'BridgeList', kinds: ['bridge'] },
  { action: 'ConfbridgeListRooms', kinds: ['conference'] },
  { action: 'Parkinglots', kinds: ['parkinglot'] },
  { action: 'ParkedCalls', kinds: ['parked'] },
  { action: 'VoicemailUsersList', kinds: ['mailbox'] },
  { action: 'Command', headers: [['Command', 'core show applications']], kinds: ['application'] },
];

const DEVICE_STATES: Record<string, string> = {
  '0': 'unknown', '1': 'not in use', '2': 'in use', '3': 'busy', '4': 'invalid', '5': 'unavailable', '6': 'ringing', '7': 'ringing, in use', '8': 'on hold',
};

/** A queue member's device state as words. */
export function memberStatusText(member: Pick<LiveQueueMember, 'status' | 'paused' | 'inCall'>): string {
  const parts = [ownValue(DEVICE_STATES, member.status) ?? `state ${member.status}`];
  if (member.paused) parts.push('paused');
  if (member.inCall && member.status !== '2') parts.push('in call');
  return parts.join(', ');
}

const truthy = (value: string | undefined): boolean => /^(1|yes|true|on)$/i.test(value ?? '');

/** `00:01:02` → ms (CoreShowChannel Duration). */
function durationMs(text: string | undefined): number {
  const parts = (text ?? '').split(':').map(Number);
  if (parts.length === 0 || parts.some((n) => !Number.isFinite(n))) return 0;
  return parts.reduce((total, n) => total * 60 + n, 0) * 1000;
}

/** The state of one connected PBX. */
export class LiveState {
  readonly channels = new Map<string, LiveChannel>();
  /** context → exten → priority → application(data). */
  readonly dialplan = new Map<string, Map<string, Map<string, string>>>();
  readonly queues = new Map<string, LiveQueue>();
  readonly bridges = new Map<string, LiveBridge>();
  readonly parked = new Map<string, LiveParkedCall>();
  readonly parkinglots = new Map<string, { name: string; spaces: string; timeout: string }>();
  readonly conferences = new Map<string, LiveConference>();
  readonly mailboxes = new Map<string, LiveMailbox>();
  readonly applications = new Set<string>();
  /** Variable name → how often it was set and on which channel last. */
  readonly variables = new Map<string, { count: number; lastChannel: string }>();
  readonly counters: LiveCounters = { eventsApplied: 0, eventsIgnored: 0, resyncs: 0, dropped: {} };
  /** Kinds fetched in full by a list action. */
  readonly complete = new Set<LiveKind>();
  private readonly caps: LiveCaps;
  private readonly now: () => number;
  private dialplanSize = 0;
  private readonly dirty = new Map<string, LiveValueKey>();
  private resetPending = true;
  private droppedChanged = false;

  constructor(options: { caps?: Partial<LiveCaps>; now?: () => number } = {}) {
    this.caps = { ...DEFAULT_LIVE_CAPS, ...options.caps };
    this.now = options.now ?? Date.now;
  }

  /** True when something changed since the last takeDelta(). */
  get hasChanges(): boolean {
    return this.resetPending || this.dirty.size > 0 || this.droppedChanged;
  }

  /** Forgets everything (disconnect); the next delta is a reset. */
  clear(): void {
    this.channels.clear();
    this.dialplan.clear();
    this.dialplanSize = 0;
    this.queues.clear();
    this.bridges.clear();
    this.parked.clear();
    this.parkinglots.clear();
    this.conferences.clear();
    this.mailboxes.clear();
    this.applications.clear();
    this.variables.clear();
    this.complete.clear();
    this.counters.dropped = {};
    this.dirty.clear();
    this.resetPending = true;
  }

  /** Channels grouped by call (Linkedid), oldest call first. */
  calls(): Array<{ linkedid: string; channels: LiveChannel[] }> {
    const groups = new Map<string, LiveChannel[]>();
    for (const channel of this.channels.values()) {
      const id = channel.linkedid || channel.uniqueid || channel.name;
      let group = groups.get(id);
      if (!group) groups.set(id, (group = []));
      group.push(channel);
    }
    return [...groups].map(([linkedid, channels]) => ({ linkedid, channels: channels.sort((a, b) => a.since - b.since) }))
      .sort((a, b) => a.channels[0].since - b.channels[0].since);
  }

  private drop(kind: LiveKind): void {
    this.counters.dropped[kind] = (this.counters.dropped[kind] ?? 0) + 1;
    this.droppedChanged = true;
  }

  private touch(kind: LiveKind, value: string, scope?: string): void {
    this.dirty.set(liveKey(kind, value, scope), scope ? { kind, value, scope } : { kind, value });
  }

  // ---- events -------------------------------------------------------------------------------------------

  /** Applies one event; returns true when it changed the model. */
  applyEvent(event: AmiMessage): boolean {
    const name = event.get('Event');
    const changed = name !== undefined && this.dispatch(name.toLowerCase(), event);
    if (changed) this.counters.eventsApplied++;
    else this.counters.eventsIgnored++;
    return changed;
  }

  /** Events after which a list should be fetched again (the model cannot follow them): `Reload` → dialplan. */
  static resyncNeededBy(event: AmiMessage): string | undefined {
    const name = event.get('Event')?.toLowerCase();
    if (name === 'reload') return 'ShowDialPlan';
    if (name === 'fullybooted') return 'all';
    return undefined;
  }

  private dispatch(name: string, e: AmiMessage): boolean {
    switch (name) {
      case 'newchannel':
      case 'coreshowchannel':
        return this.upsertChannel(e, name === 'coreshowchannel');
      case 'hangup':
        return this.removeChannel(e.get('Channel'));
      case 'rename':
        return this.renameChannel(e.get('Channel') ?? e.get('Oldname'), e.get('Newname'));
      case 'newstate':
      case 'newcallerid':
      case 'newconnectedline':
      case 'newexten':
        return this.updateChannel(e);
      case 'varset':
        return this.noteVariable(e.get('Variable'), e.get('Channel'));
      case 'bridgecreate':
      case 'bridgelistitem':
        return this.upsertBridge(e);
      case 'bridgedestroy':
        return this.removeBridge(e.get('BridgeUniqueid'));
      case 'bridgeenter':
      case 'bridgeleave':
        return this.bridgeMembership(e, name === 'bridgeenter');
      case 'queueparams':
      case 'queuesummary':
        return this.upsertQueue(e);
      case 'queuemember':
      case 'queuememberadded':
      case 'queuememberstatus':
      case 'queuememberpause':
      case 'queuememberpaused':
      case 'queuememberpenalty':
      case 'queuememberringinuse':
        return this.upsertMember(e);
      case 'queuememberremoved':
        return this.removeMember(e.get('Queue'), e.get('Interface') ?? e.get('Location'));
      case 'queueentry':
      case 'queuecallerjoin':
        return this.upsertCaller(e, name === 'queueentry');
      case 'queuecallerleave':
      case 'queuecallerabandon':
        return this.removeCaller(e.get('Queue'), e.get('Channel'));
      case 'parkedcall':
        return this.upsertParked(e);
      case 'unparkedcall':
      case 'parkedcallgiveup':
      case 'parkedcalltimeout':
        return this.removeParked(e.get('ParkeeChannel'));
      case 'parkinglot':
        return this.upsertParkinglot(e);
      case 'confbridgestart':
      case 'confbridgelistrooms':
      case 'confbridgejoin':
      case 'confbridgeleave':
        return this.upsertConference(e, name);
      case 'confbridgeend':
        return this.removeConference(e.get('Conference'));
      case 'voicemailuserentry':
        return this.upsertMailbox(e);
      case 'listdialplan':
        return this.addDialplan(e.get('Context'), e.get('Extension'), e.get('Priority'), e.get('Application'), e.get('AppData'));
      default:
        return false;
    }
  }

  private upsertChannel(e: AmiMessage, fromList: boolean): boolean {
    const name = e.get('Channel');
    if (!name) return false;
    const now = this.now();
    let channel = this.channels.get(name);
    if (!channel) {
      if (this.channels.size >= this.caps.channels) {
        this.drop('channel');
        return false;
      }
      channel = {
        name, uniqueid: '', linkedid: '', state: '', callerIdNum: '', callerIdName: '', connectedNum: '', context: '', exten: '', priority: '',
        application: '', applicationData: '', bridgeId: '', since: fromList ? now - durationMs(e.get('Duration')) : now, touchedAt: now,
      };
      this.channels.set(name, channel);
    }
    this.fillChannel(channel, e);
    if (fromList) {
      channel.application = e.get('Application') ?? channel.application;
      channel.applicationData = e.get('ApplicationData') ?? channel.applicationData;
      const bridgeId = e.get('BridgeId');
      if (bridgeId !== undefined) channel.bridgeId = bridgeId;
    }
    channel.touchedAt = now;
    this.touch('channel', name);
    return true;
  }

  private fillChannel(channel: LiveChannel, e: AmiMessage): void {
    const set = (field: keyof LiveChannel, header: string): void => {
      const value = e.get(header);
      if (value !== undefined) (channel as unknown as Record<string, string>)[field] = value;
    };
    set('uniqueid', 'Uniqueid');
    set('linkedid', 'Linkedid');
    set('state', 'ChannelStateDesc');
    set('callerIdNum', 'CallerIDNum');
    set('callerIdName', 'CallerIDName');
    set('connectedNum', 'ConnectedLineNum');
    set('context', 'Context');
    set('exten', 'Exten');
    set('priority', 'Priority');
  }

  private updateChannel(e: AmiMessage): boolean {
    const channel = this.channels.get(e.get('Channel') ?? '');
    if (!channel) return this.upsertChannel(e, false);
    this.fillChannel(channel, e);
    if (e.get('Event')?.toLowerCase() === 'newexten') {
      channel.application = e.get('Application') ?? channel.application;
      channel.applicationData = e.get('AppData') ?? channel.applicationData;
    }
    channel.touchedAt = this.now();
    this.touch('channel', channel.name);
    return true;
  }

  private removeChannel(name: string | undefined): boolean {
    const channel = name ? this.channels.get(name) : undefined;
    if (!channel) return false;
    this.channels.delete(channel.name);
    this.touch('channel', channel.name);
    const bridge = this.bridges.get(channel.bridgeId);
    if (bridge?.channels.delete(channel.name)) this.touch('bridge', bridge.id);
    return true;
  }

  private renameChannel(from: string | undefined, to: string | undefined): boolean {
    const channel = from ? this.channels.get(from) : undefined;
    if (!channel || !to || from === to) return false;
    this.channels.delete(channel.name);
    this.touch('channel', channel.name);
    channel.name = to;
    channel.touchedAt = this.now();
    this.channels.set(to, channel);
    this.touch('channel', to);
    return true;
  }

  private noteVariable(name: string | undefined, channel: string | undefined): boolean {
    if (!name) return false;
    const known = this.variables.get(name);
    if (known) {
      known.count++;
      known.lastChannel = channel ?? known.lastChannel;
      // Only the first sighting changes what the language server offers; counts change the hover only.
      return true;
    }
    if (this.variables.size >= this.caps.variables) {
      this.drop('variable');
      return false;
    }
    this.variables.set(name, { count: 1, lastChannel: channel ?? '' });
    this.touch('variable', name);
    return true;
  }

  private upsertBridge(e: AmiMessage): boolean {
    const id = e.get('BridgeUniqueid');
    if (!id) return false;
    let bridge = this.bridges.get(id);
    if (!bridge) {
      if (this.bridges.size >= this.caps.bridges) {
        this.drop('bridge');
        return false;
      }
      bridge = { id, type: '', technology: '', name: '', creator: '', channels: new Set() };
      this.bridges.set(id, bridge);
    }
    bridge.type = e.get('BridgeType') ?? bridge.type;
    bridge.technology = e.get('BridgeTechnology') ?? bridge.technology;
    bridge.name = e.get('BridgeName') ?? bridge.name;
    bridge.creator = e.get('BridgeCreator') ?? bridge.creator;
    this.touch('bridge', id);
    return true;
  }

  private removeBridge(id: string | undefined): boolean {
    const bridge = id ? this.bridges.get(id) : undefined;
    if (!bridge) return false;
    this.bridges.delete(bridge.id);
    this.touch('bridge', bridge.id);
    return true;
  }

  private bridgeMembership(e: AmiMessage, enter: boolean): boolean {
    this.upsertBridge(e);
    const id = e.get('BridgeUniqueid') ?? '';
    const channelName = e.get('Channel') ?? '';
    const bridge = this.bridges.get(id);
    if (bridge && channelName) {
      if (enter) bridge.channels.add(channelName);
      else bridge.channels.delete(channelName);
    }
    const channel = this.channels.get(channelName);
    if (channel) {
      channel.bridgeId = enter ? id : channel.bridgeId === id ? '' : channel.bridgeId;
      this.touch('channel', channel.name);
    }
    return true;
  }

  private queue(name: string | undefined): LiveQueue | undefined {
    if (!name) return undefined;
    let queue = this.queues.get(name);
    if (!queue) {
      if (this.queues.size >= this.caps.queues) {
        this.drop('queue');
        return undefined;
      }
      queue = { name, strategy: '', holdTime: '', members: new Map(), callers: new Map(), droppedEntries: 0 };
      this.queues.set(name, queue);
    }
    this.touch('queue', name);
    return queue;
  }

  private upsertQueue(e: AmiMessage): boolean {
    const queue = this.queue(e.get('Queue'));
    if (!queue) return false;
    queue.strategy = e.get('Strategy') ?? queue.strategy;
    queue.holdTime = e.get('Holdtime') ?? e.get('HoldTime') ?? queue.holdTime;
    return true;
  }

  private upsertMember(e: AmiMessage): boolean {
    const queue = this.queue(e.get('Queue'));
    const iface = e.get('Interface') ?? e.get('Location') ?? e.get('StateInterface');
    if (!queue || !iface) return false;
    let member = queue.members.get(iface);
    if (!member) {
      if (queue.members.size + queue.callers.size >= this.caps.queueEntries) {
        queue.droppedEntries++;
        this.drop('member');
        return false;
      }
      member = { interface: iface, name: '', status: '', paused: false, pausedReason: '', inCall: false, penalty: '', callsTaken: '' };
      queue.members.set(iface, member);
    }
    member.name = e.get('MemberName') ?? e.get('Name') ?? member.name;
    member.status = e.get('Status') ?? member.status;
    if (e.get('Paused') !== undefined) member.paused = truthy(e.get('Paused'));
    member.pausedReason = e.get('PausedReason') ?? member.pausedReason;
    if (e.get('InCall') !== undefined) member.inCall = truthy(e.get('InCall'));
    member.penalty = e.get('Penalty') ?? member.penalty;
    member.callsTaken = e.get('CallsTaken') ?? member.callsTaken;
    this.touch('member', iface, queue.name);
    return true;
  }

  private removeMember(queueName: string | undefined, iface: string | undefined): boolean {
    const queue = queueName ? this.queues.get(queueName) : undefined;
    if (!queue || !iface || !queue.members.delete(iface)) return false;
    this.touch('member', iface, queue.name);
    this.touch('queue', queue.name);
    return true;
  }

  private upsertCaller(e: AmiMessage, fromList: boolean): boolean {
    const queue = this.queue(e.get('Queue'));
    const channel = e.get('Channel');
    if (!queue || !channel) return false;
    let caller = queue.callers.get(channel);
    if (!caller) {
      if (queue.members.size + queue.callers.size >= this.caps.queueEntries) {
        queue.droppedEntries++;
        this.drop('queue');
        return false;
      }
      const waited = fromList ? Number(e.get('Wait') ?? 0) * 1000 : 0;
      caller = { channel, position: 0, callerIdNum: '', since: this.now() - (Number.isFinite(waited) ? waited : 0) };
      queue.callers.set(channel, caller);
    }
    caller.position = Number(e.get('Position') ?? caller.position) || caller.position;
    caller.callerIdNum = e.get('CallerIDNum') ?? caller.callerIdNum;
    return true;
  }

  private removeCaller(queueName: string | undefined, channel: string | undefined): boolean {
    const queue = queueName ? this.queues.get(queueName) : undefined;
    if (!queue || !channel || !queue.callers.delete(channel)) return false;
    this.touch('queue', queue.name);
    return true;
  }

  private upsertParked(e: AmiMessage): boolean {
    const channel = e.get('ParkeeChannel');
    if (!channel) return false;
    let parked = this.parked.get(channel);
    if (!parked) {
      if (this.parked.size >= this.caps.parked) {
        this.drop('parked');
        return false;
      }
      const duration = Number(e.get('ParkingDuration') ?? 0) * 1000;
      parked = { channel, lot: '', space: '', timeout: '', callerIdNum: '', linkedid: '', since: this.now() - (Number.isFinite(duration) ? duration : 0) };
      this.parked.set(channel, parked);
    }
    parked.lot = e.get('Parkinglot') ?? parked.lot;
    parked.space = e.get('ParkingSpace') ?? parked.space;
    parked.timeout = e.get('ParkingTimeout') ?? parked.timeout;
    parked.callerIdNum = e.get('ParkeeCallerIDNum') ?? parked.callerIdNum;
    parked.linkedid = e.get('ParkeeLinkedid') ?? parked.linkedid;
    this.touch('parked', parked.space, parked.lot);
    return true;
  }

  private removeParked(channel: string | undefined): boolean {
    const parked = channel ? this.parked.get(channel) : undefined;
    if (!parked) return false;
    this.parked.delete(parked.channel);
    this.touch('parked', parked.space, parked.lot);
    return true;
  }

  private upsertParkinglot(e: AmiMessage): boolean {
    const name = e.get('Name') ?? e.get('Parkinglot');
    if (!name) return false;
    if (!this.parkinglots.has(name) && this.parkinglots.size >= this.caps.parkinglots) {
      this.drop('parkinglot');
      return false;
    }
    const start = e.get('StartSpace') ?? '';
    const stop = e.get('StopSpace') ?? '';
    this.parkinglots.set(name, { name, spaces: start && stop ? `${start}–${stop}` : start, timeout: e.get('Timeout') ?? '' });
    this.touch('parkinglot', name);
    return true;
  }

  private upsertConference(e: AmiMessage, eventName: string): boolean {
    const name = e.get('Conference');
    if (!name) return false;
    let conference = this.conferences.get(name);
    if (!conference) {
      if (this.conferences.size >= this.caps.conferences) {
        this.drop('conference');
        return false;
      }
      conference = { name, parties: 0, locked: false, muted: false };
      this.conferences.set(name, conference);
    }
    if (eventName === 'confbridgelistrooms') {
      conference.parties = Number(e.get('Parties') ?? 0) || 0;
      conference.locked = truthy(e.get('Locked'));
      conference.muted = truthy(e.get('Muted'));
    } else if (eventName === 'confbridgejoin') conference.parties++;
    else if (eventName === 'confbridgeleave') conference.parties = Math.max(0, conference.parties - 1);
    this.touch('conference', name);
    return true;
  }

  private removeConference(name: string | undefined): boolean {
    if (!name || !this.conferences.delete(name)) return false;
    this.touch('conference', name);
    return true;
  }

  private upsertMailbox(e: AmiMessage): boolean {
    const box = e.get('VoiceMailbox');
    if (!box) return false;
    const id = `${box}@${e.get('VMContext') ?? 'default'}`;
    if (!this.mailboxes.has(id) && this.mailboxes.size >= this.caps.mailboxes) {
      this.drop('mailbox');
      return false;
    }
    this.mailboxes.set(id, { id, fullName: e.get('Fullname') ?? '', newMessages: e.get('NewMessageCount') ?? '' });
    this.touch('mailbox', id);
    return true;
  }

  private addDialplan(context: string | undefined, exten: string | undefined, priority: string | undefined, app: string | undefined, data: string | undefined): boolean {
    if (!context) return false;
    let extens = this.dialplan.get(context);
    if (!extens) {
      this.dialplan.set(context, (extens = new Map<string, Map<string, string>>()));
      this.touch('context', context);
    }
    if (!exten) return true;
    let priorities = extens.get(exten);
    if (!priorities) {
      if (this.dialplanSize >= this.caps.dialplan) {
        this.drop('exten');
        return false;
      }
      extens.set(exten, (priorities = new Map<string, string>()));
      this.dialplanSize++;
      this.touch('exten', exten, context);
      this.touch('context', context);
    }
    if (priority === undefined || priority === '') return true;
    if (!priorities.has(priority) && this.dialplanSize >= this.caps.dialplan) {
      this.drop('priority');
      return false;
    }
    if (!priorities.has(priority)) this.dialplanSize++;
    priorities.set(priority, `${app ?? ''}(${data ?? ''})`);
    this.touch('priority', priority, `${context}/${exten}`);
    this.touch('exten', exten, context);
    return true;
  }

  // ---- lists (resync) -----------------------------------------------------------------------------------

  /**
   * Applies the answer of one RESYNC_ACTIONS list: replaces what the list covers (keeping channels that events
   * touched after `startedAt`, the time the list was requested) and marks its kinds complete. `success` false
   * (not permitted, module not loaded) leaves the kinds incomplete and the current values as they are.
   */
  applyList(action: string, result: { success: boolean; events: readonly AmiMessage[]; response?: AmiMessage }, startedAt: number): void {
    const spec = RESYNC_ACTIONS.find((entry) => entry.action.toLowerCase() === action.toLowerCase());
    if (!spec) return;
    if (!result.success) {
      for (const kind of spec.kinds) this.complete.delete(kind);
      return;
    }
    switch (spec.action) {
      case 'CoreShowChannels': {
        const listed = new Set(result.events.map((e) => e.get('Channel')).filter((name): name is string => !!name));
        for (const channel of [...this.channels.values()]) {
          if (!listed.has(channel.name) && channel.touchedAt < startedAt) this.removeChannel(channel.name);
        }
        break;
      }
      case 'ShowDialPlan':
        for (const [context, extens] of this.dialplan) {
          this.touch('context', context);
          for (const [exten, priorities] of extens) {
            this.touch('exten', exten, context);
            for (const priority of priorities.keys()) this.touch('priority', priority, `${context}/${exten}`);
          }
        }
        this.dialplan.clear();
        this.dialplanSize = 0;
        break;
      case 'QueueStatus':
        for (const queue of this.queues.values()) {
          this.touch('queue', queue.name);
          for (const iface of queue.members.keys()) this.touch('member', iface, queue.name);
        }
        this.queues.clear();
        break;
      case 'BridgeList':
        for (const id of this.bridges.keys()) this.touch('bridge', id);
        this.bridges.clear();
        break;
      case 'ConfbridgeListRooms':
        for (const name of this.conferences.keys()) this.touch('conference', name);
        this.conferences.clear();
        break;
      case 'Parkinglots':
        for (const name of this.parkinglots.keys()) this.touch('parkinglot', name);
        this.parkinglots.clear();
        break;
      case 'ParkedCalls':
        for (const parked of this.parked.values()) this.touch('parked', parked.space, parked.lot);
        this.parked.clear();
        break;
      case 'VoicemailUsersList':
        for (const id of this.mailboxes.keys()) this.touch('mailbox', id);
        this.mailboxes.clear();
        break;
      case 'Command':
        for (const name of this.applications) this.touch('application', name);
        this.applications.clear();
        for (const line of commandOutput(result.response)) {
          const match = /^\s*([A-Za-z][\w-]*):\s/.exec(line);
          if (!match) continue;
          if (this.applications.size >= this.caps.applications) {
            this.drop('application');
            continue;
          }
          this.applications.add(match[1]);
          this.touch('application', match[1]);
        }
        break;
    }
    for (const item of result.events) this.dispatch(item.get('Event')?.toLowerCase() ?? '', item);
    // Bridge membership comes from the channels' BridgeId.
    if (spec.action === 'BridgeList') {
      for (const channel of this.channels.values()) this.bridges.get(channel.bridgeId)?.channels.add(channel.name);
    }
    for (const kind of spec.kinds) this.complete.add(kind);
    if (spec.action === 'CoreShowChannels') {
      this.counters.resyncs++;
      this.counters.lastResyncAt = this.now();
    }
  }

  // ---- language server values ---------------------------------------------------------------------------

  /** Every value, as the language server sees them (for a reset). */
  allValues(): LiveValue[] {
    const values: LiveValue[] = [];
    const push = (value: LiveValue | undefined): void => {
      if (value) values.push(value);
    };
    for (const name of this.channels.keys()) push(this.valueOf({ kind: 'channel', value: name }));
    for (const [context, extens] of this.dialplan) {
      push(this.valueOf({ kind: 'context', value: context }));
      for (const [exten, priorities] of extens) {
        push(this.valueOf({ kind: 'exten', value: exten, scope: context }));
        for (const priority of priorities.keys()) push(this.valueOf({ kind: 'priority', value: priority, scope: `${context}/${exten}` }));
      }
    }
    for (const queue of this.queues.values()) {
      push(this.valueOf({ kind: 'queue', value: queue.name }));
      for (const iface of queue.members.keys()) push(this.valueOf({ kind: 'member', value: iface, scope: queue.name }));
    }
    for (const name of this.applications) push(this.valueOf({ kind: 'application', value: name }));
    for (const name of this.variables.keys()) push(this.valueOf({ kind: 'variable', value: name }));
    for (const id of this.bridges.keys()) push(this.valueOf({ kind: 'bridge', value: id }));
    for (const name of this.conferences.keys()) push(this.valueOf({ kind: 'conference', value: name }));
    for (const name of this.parkinglots.keys()) push(this.valueOf({ kind: 'parkinglot', value: name }));
    for (const parked of this.parked.values()) push(this.valueOf({ kind: 'parked', value: parked.space, scope: parked.lot }));
    for (const id of this.mailboxes.keys()) push(this.valueOf({ kind: 'mailbox', value: id }));
    return values;
  }

  /**
   * What changed since the last call, for the language server: a reset with every value after clear() (and
   * the first time), else the values touched since. Undefined when nothing changed.
   */
  takeDelta(connection?: string | null): LiveValuesDelta | undefined {
    if (!this.hasChanges) return undefined;
    const delta: LiveValuesDelta = { complete: [...this.complete], dropped: { ...this.counters.dropped } };
    if (connection !== undefined) delta.connection = connection;
    if (this.resetPending) {
      delta.reset = true;
      delta.upsert = this.allValues();
    } else {
      const upsert: LiveValue[] = [];
      const remove: LiveValueKey[] = [];
      for (const key of this.dirty.values()) {
        const value = this.valueOf(key);
        if (value) upsert.push(value);
        else remove.push(key);
      }
      if (upsert.length > 0) delta.upsert = upsert;
      if (remove.length > 0) delta.remove = remove;
    }
    this.dirty.clear();
    this.resetPending = false;
    this.droppedChanged = false;
    return delta;
  }

  /** The current value for a key, or undefined when it is gone. */
  valueOf(key: LiveValueKey): LiveValue | undefined {
    const { kind, value, scope = '' } = key;
    switch (kind) {
      case 'channel': {
        const c = this.channels.get(value);
        if (!c) return undefined;
        const facts: Array<[string, string]> = [];
        const callerId = callerIdText(c.callerIdName, c.callerIdNum);
        if (callerId) facts.push(['Caller ID', callerId]);
        if (c.context) facts.push(['Dialplan', `${c.context},${c.exten},${c.priority}`]);
        if (c.bridgeId) facts.push(['Bridge', c.bridgeId]);
        if (c.linkedid) facts.push(['Linkedid', c.linkedid]);
        if (c.uniqueid) facts.push(['Uniqueid', c.uniqueid]);
        return { kind, value, state: c.state, since: c.since, app: c.application ? `${c.application}${c.applicationData ? `(${c.applicationData})` : ''}` : undefined, facts };
      }
      case 'context': {
        const extens = this.dialplan.get(value);
        return extens ? { kind, value, state: `${extens.size} extension${extens.size === 1 ? '' : 's'}` } : undefined;
      }
      case 'exten': {
        const priorities = this.dialplan.get(scope)?.get(value);
        if (!priorities) return undefined;
        const steps = [...priorities].slice(0, 12).map(([priority, app]): [string, string] => [priority, app]);
        return { kind, value, scope, state: `${priorities.size} priorit${priorities.size === 1 ? 'y' : 'ies'}`, app: priorities.values().next().value, facts: steps };
      }
      case 'priority': {
        const slash = scope.lastIndexOf('/');
        const app = this.dialplan.get(scope.slice(0, slash))?.get(scope.slice(slash + 1))?.get(value);
        return app === undefined ? undefined : { kind, value, scope, app };
      }
      case 'queue': {
        const q = this.queues.get(value);
        if (!q) return undefined;
        const facts: Array<[string, string]> = [];
        for (const m of [...q.members.values()].slice(0, 20)) facts.push([`Member ${m.name || m.interface}`, `${m.interface} · ${memberStatusText(m)}`]);
        if (q.members.size > 20) facts.push(['Members', `${q.members.size - 20} more`]);
        const now = this.now();
        for (const c of [...q.callers.values()].sort((a, b) => a.position - b.position).slice(0, 20)) {
          facts.push([`Caller ${c.position}`, `${c.channel} · waiting ${formatAge(now - c.since)}`]);
        }
        if (q.strategy) facts.push(['Strategy', q.strategy]);
        return { kind, value, state: `${q.members.size} member${q.members.size === 1 ? '' : 's'} · ${q.callers.size} waiting`, facts };
      }
      case 'member': {
        const m = this.queues.get(scope)?.members.get(value);
        return m ? { kind, value, scope, state: memberStatusText(m), facts: m.name ? [['Name', m.name]] : undefined } : undefined;
      }
      case 'application':
        return this.applications.has(value) ? { kind, value, state: 'loaded' } : undefined;
      case 'variable': {
        const v = this.variables.get(value);
        return v ? { kind, value, state: `set ${v.count}×`, facts: v.lastChannel ? [['Last set on', v.lastChannel]] : undefined } : undefined;
      }
      case 'bridge': {
        const b = this.bridges.get(value);
        if (!b) return undefined;
        const facts: Array<[string, string]> = [...b.channels].slice(0, 20).map((name): [string, string] => ['Channel', name]);
        if (b.name) facts.unshift(['Name', b.name]);
        return { kind, value, state: `${b.type || 'bridge'} · ${b.channels.size} channel${b.channels.size === 1 ? '' : 's'}`, facts };
      }
      case 'conference': {
        const c = this.conferences.get(value);
        return c ? { kind, value, state: `${c.parties} part${c.parties === 1 ? 'y' : 'ies'}${c.locked ? ' · locked' : ''}${c.muted ? ' · muted' : ''}` } : undefined;
      }
      case 'parkinglot': {
        const lot = this.parkinglots.get(value);
        if (!lot) return undefined;
        const parked = [...this.parked.values()].filter((p) => p.lot === value).length;
        return { kind, value, state: `spaces ${lot.spaces} · ${parked} parked` };
      }
      case 'parked': {
        const p = [...this.parked.values()].find((entry) => entry.space === value && entry.lot === scope);
        return p ? { kind, value, scope, state: `parked ${p.channel}`, since: p.since, facts: [['Channel', p.channel], ['Caller ID', p.callerIdNum]] } : undefined;
      }
      case 'mailbox': {
        const m = this.mailboxes.get(value);
        return m ? { kind, value, state: `${m.newMessages || 0} new`, facts: m.fullName ? [['Name', m.fullName]] : undefined } : undefined;
      }
      default:
        return undefined;
    }
  }
}

/** `"Name" <number>`, or undefined when Asterisk knows neither (it sends `<unknown>`). */
export function callerIdText(name: string, num: string): string | undefined {
  const known = (text: string): boolean => text !== '' && text !== '<unknown>';
  if (!known(name) && !known(num)) return undefined;
  return `${known(name) ? `"${name}" ` : ''}${known(num) ? `<${num}>` : ''}`.trim();
}

/** Lines of a Command response: `Output:` headers (Asterisk 14+) or the legacy Follows body. */
function commandOutput(response: AmiMessage | undefined): string[] {
  if (!response) return [];
  const lines = response.getAll('Output');
  if (lines.length > 0) return lines;
  return response.output ?? [];
}
