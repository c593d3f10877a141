/**
 * Incremental index of AMI events into calls (Linkedid) → channels (Uniqueid) → marks on a time axis, for the
 * panel's call timeline. Pure: events in (header pairs, a sequence number, a receive time), a model out.
 *
 * An event is tied to every channel it names: a header `<prefix>Uniqueid` with `<prefix>Channel` or
 * `<prefix>Linkedid` beside it (Uniqueid/Channel, DestUniqueid/DestChannel, LocalOneUniqueid, Cdr's UniqueID...),
 * so DialBegin marks both the caller and the callee and transfers mark every party. Memory is bounded: the
 * oldest calls are evicted (and counted) beyond `maxCalls` or when the calls hold more than `maxEvents` events,
 * and a call keeps at most `maxEventsPerCall` events.
 */
import { lowerCaseName } from '../catalogue/queries';
import { hangupCauseText } from './hangupCauses';

/** What the index needs of an event (the panel's StreamEvent fits). */
export interface TimelineInputEvent {
  /** Increasing sequence number (unique per session). */
  readonly seq: number;
  /** Receive time, milliseconds since the Unix epoch: used when the event has no Timestamp/EventTV. */
  readonly time: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /**
   * The same headers as `Name: value` lines joined by \n (no ':' in a name, no line break in a value), when the
   * event carries them so (the panel's packed events): read directly instead of building `headers`.
   */
  readonly headerText?: string;
}

export type MarkKind =
  | 'newchannel'
  | 'state'
  | 'exten'
  | 'dial-begin'
  | 'dial-end'
  | 'bridge-enter'
  | 'bridge-leave'
  | 'local-bridge'
  | 'var'
  | 'user'
  | 'callerid'
  | 'hangup-request'
  | 'hangup'
  | 'originate'
  | 'cdr'
  | 'other';

/** One event drawn on one channel's lane. */
export interface TimelineMark {
  kind: MarkKind;
  /** Milliseconds since the epoch (event time, see `eventTime`). */
  time: number;
  seq: number;
  /** The `Event:` name. */
  event: string;
  /** Short text: the application, the new state, `VAR=value`, the dial status, the hangup cause. */
  label: string;
}

/** A span of a channel's life in one state (Down, Ring, Ringing, Up...). */
export interface StateSpan {
  state: string;
  from: number;
}

/** Time in a bridge, from BridgeEnter to BridgeLeave (or the hangup / still in it). */
export interface BridgeSpan {
  bridge: string;
  from: number;
  to?: number;
}

export interface HangupInfo {
  code: number;
  /** Cause-txt as sent, else Asterisk's text for the code. */
  text: string;
  time: number;
  seq: number;
}

export interface TimelineChannel {
  uniqueid: string;
  /** Current channel name (Rename events update it). */
  name: string;
  linkedid: string;
  start: number;
  /** Time of the Hangup event, when seen. */
  end?: number;
  states: StateSpan[];
  bridges: BridgeSpan[];
  marks: TimelineMark[];
  /** For a Local channel: the pair's base name (`Local/100@test-0000000f`) and the side. */
  local?: { base: string; side: 1 | 2 };
  hangup?: HangupInfo;
  /** Creation order within the index (lanes are ordered by it). */
  order: number;
}

/** A dial from one channel to another (DialBegin … DialEnd). */
export interface TimelineDial {
  /** Caller's Uniqueid; absent when nothing dialled (an Originate's outbound channel). */
  from?: string;
  to: string;
  begin: number;
  end?: number;
  status?: string;
  dialString?: string;
}

/** One call: every channel sharing a Linkedid. */
export interface TimelineCall {
  linkedid: string;
  /** Channels by creation order. */
  channels: TimelineChannel[];
  dials: TimelineDial[];
  /** Every event tied to the call, in arrival order (at most maxEventsPerCall). */
  events: TimelineInputEvent[];
  /** Events of this call not kept because of maxEventsPerCall. */
  droppedEvents: number;
  start: number;
  end: number;
  /** Changes on every update: a view redraws when it differs from what it drew. */
  version: number;
}

/** Counters the view shows next to the call list. */
export interface TimelineStats {
  calls: number;
  channels: number;
  /** Events tied to at least one call. */
  indexedEvents: number;
  /** Events that name no channel (DeviceStateChange, FullyBooted...): not part of any call. */
  unrelatedEvents: number;
  /**
   * Events naming only channels the index does not know and cannot place (no Linkedid), given up on: either
   * the channel never appeared or more than `maxWaiting` such events were waiting.
   */
  unplacedEvents: number;
  /** Such events held until their channel appears (Asterisk may send OriginateResponse before Newchannel). */
  waitingEvents: number;
  /** Calls removed to stay within maxCalls. */
  evictedCalls: number;
}

export interface CallIndexOptions {
  /** Most calls kept; the oldest are evicted beyond it (default 5000). */
  maxCalls?: number;
  /** Most events kept per call (default 2000); marks stop there too. */
  maxEventsPerCall?: number;
  /** Most events kept by all calls together (default unbounded); the oldest calls are evicted beyond it. */
  maxEvents?: number;
  /** Most events held for a channel not seen yet (default 2000); the oldest are then given up and counted. */
  maxWaiting?: number;
}

interface ChannelRef {
  uniqueid: string;
  linkedid?: string;
  name?: string;
  state?: string;
  /** Header prefix: '' for the event's own channel, 'Dest', 'LocalOne'... */
  prefix: string;
}

function emptyStats(): TimelineStats {
  return { calls: 0, channels: 0, indexedEvents: 0, unrelatedEvents: 0, unplacedEvents: 0, waitingEvents: 0, evictedCalls: 0 };
}

const ABSENT_VALUES = new Set(['', '<null>', '<unknown>']);

/** `Local/100@test-0000000f;2` → base and side; undefined for other channels. */
export function localChannelSide(name: string): { base: string; side: 1 | 2 } | undefined {
  if (!/^local\//i.test(name)) return undefined;
  const match = /^(.*);([12])(?:<[^>]*>)?$/.exec(name);
  if (!match) return undefined;
  return { base: match[1], side: match[2] === '1' ? 1 : 2 };
}

/**
 * When the event happened, in ms since the epoch: `Timestamp` (epoch seconds, manager.conf timestampevents),
 * else `EventTV` (ISO time of security events), else the receive time.
 */
export function eventTime(headers: ReadonlyMap<string, string>, receivedAt: number): number {
  const stamp = headers.get('timestamp');
  if (stamp !== undefined && /^\d+(\.\d+)?$/.test(stamp)) return Number(stamp) * 1000;
  const tv = headers.get('eventtv');
  if (tv !== undefined) {
    const parsed = Date.parse(tv.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
    if (Number.isFinite(parsed)) return parsed;
  }
  return receivedAt;
}

/** First value of each header of an event, by lower-case name. */
function eventHeaderMap(event: TimelineInputEvent): Map<string, string> {
  const text = event.headerText;
  return text === undefined ? headerMap(event.headers) : textHeaderMap(text);
}

function textHeaderMap(text: string): Map<string, string> {
  const map = new Map<string, string>();
  let lineStart = 0;
  const length = text.length;
  while (lineStart < length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = length;
    const colon = text.indexOf(':', lineStart);
    if (colon >= 0 && colon < lineEnd) {
      const key = lowerCaseName(text.slice(lineStart, colon));
      if (!map.has(key)) map.set(key, text.slice(colon + 2, lineEnd));
    } else if (!map.has('')) map.set('', text.slice(lineStart, lineEnd));
    lineStart = lineEnd + 1;
  }
  return map;
}

function headerMap(headers: ReadonlyArray<readonly [string, string]>): Map<string, string> {
  const map = new Map<string, string>();
  for (let k = 0; k < headers.length; k++) {
    const key = lowerCaseName(headers[k][0]);
    if (!map.has(key)) map.set(key, headers[k][1]);
  }
  return map;
}

function present(value: string | undefined): string | undefined {
  return value === undefined || ABSENT_VALUES.has(value) ? undefined : value;
}

/** Channels an event names, its own first. */
function channelRefs(map: ReadonlyMap<string, string>): ChannelRef[] {
  const refs: ChannelRef[] = [];
  for (const key of map.keys()) {
    if (!key.endsWith('uniqueid')) continue;
    const prefix = key.slice(0, key.length - 'uniqueid'.length);
    const uniqueid = present(map.get(key));
    if (uniqueid === undefined) continue;
    const name = present(map.get(`${prefix}channel`));
    const linkedid = present(map.get(`${prefix}linkedid`));
    if (name === undefined && linkedid === undefined) continue; // BridgeUniqueid and the like: not a channel
    const ref: ChannelRef = { uniqueid, linkedid, name, state: map.get(`${prefix}channelstatedesc`), prefix };
    if (prefix === '') refs.unshift(ref);
    else refs.push(ref);
  }
  return refs;
}

function markOf(eventName: string, map: ReadonlyMap<string, string>, ref: ChannelRef): { kind: MarkKind; label: string } {
  const lower = eventName.toLowerCase();
  switch (lower) {
    case 'newchannel':
      return { kind: 'newchannel', label: `created (${map.get('channelstatedesc') ?? '?'})` };
    case 'newstate':
      return { kind: 'state', label: map.get('channelstatedesc') ?? map.get('channelstate') ?? 'state' };
    case 'newexten': {
      const app = map.get('application') ?? '?';
      const data = map.get('appdata') ?? '';
      return { kind: 'exten', label: `${map.get('context') ?? ''},${map.get('extension') ?? map.get('exten') ?? ''},${map.get('priority') ?? ''} ${app}(${data})` };
    }
    case 'dialbegin':
    case 'dialend': {
      const status = map.get('dialstatus');
      const other = ref.prefix === 'dest' ? present(map.get('channel')) : present(map.get('destchannel'));
      const direction = ref.prefix === 'dest' ? 'dialled' + (other ? ` by ${other}` : '') : `dials ${other ?? map.get('dialstring') ?? ''}`;
      return lower === 'dialbegin'
        ? { kind: 'dial-begin', label: `${direction}${map.get('dialstring') ? ` (${map.get('dialstring')})` : ''}` }
        : { kind: 'dial-end', label: `dial ${status ?? 'ended'}` };
    }
    case 'bridgeenter':
      return { kind: 'bridge-enter', label: `enters bridge ${map.get('bridgeuniqueid') ?? ''} (${map.get('bridgetechnology') ?? map.get('bridgetype') ?? ''})` };
    case 'bridgeleave':
      return { kind: 'bridge-leave', label: `leaves bridge ${map.get('bridgeuniqueid') ?? ''}` };
    case 'localbridge':
      return { kind: 'local-bridge', label: `Local pair bridged${map.get('localoptimization') ? ` (optimization ${map.get('localoptimization')})` : ''}` };
    case 'varset':
      return { kind: 'var', label: `${map.get('variable') ?? '?'}=${map.get('value') ?? ''}` };
    case 'userevent':
      return { kind: 'user', label: `UserEvent ${map.get('userevent') ?? ''}` };
    case 'newcallerid':
    case 'newconnectedline':
      return {
        kind: 'callerid',
        label: lower === 'newcallerid'
          ? `CallerID ${map.get('calleridname') ?? ''} <${map.get('calleridnum') ?? ''}>`
          : `ConnectedLine ${map.get('connectedlinename') ?? ''} <${map.get('connectedlinenum') ?? ''}>`,
      };
    case 'hanguprequest':
    case 'softhanguprequest': {
      const cause = Number(map.get('cause'));
      return { kind: 'hangup-request', label: `${eventName}${Number.isInteger(cause) && map.has('cause') ? ` cause ${cause} ${hangupCauseText(cause)}` : ''}` };
    }
    case 'hangup': {
      const { code, text } = causeOf(map);
      return { kind: 'hangup', label: `Hangup ${code} ${text}` };
    }
    case 'originateresponse':
      return { kind: 'originate', label: `OriginateResponse ${map.get('response') ?? ''} (reason ${map.get('reason') ?? '?'})` };
    case 'cdr':
      return { kind: 'cdr', label: `CDR ${map.get('disposition') ?? ''} ${map.get('billableseconds') ?? '?'} s billable` };
    default:
      return { kind: 'other', label: eventName };
  }
}

function causeOf(map: ReadonlyMap<string, string>): { code: number; text: string } {
  const raw = map.get('cause');
  const code = raw !== undefined && /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : 0;
  const text = present(map.get('cause-txt')) ?? hangupCauseText(code);
  return { code, text };
}

/** The incremental call index. Feed it events in arrival order with `add`. */
export class CallIndex {
  private readonly maxCalls: number;
  private readonly maxEventsPerCall: number;
  private maxEvents: number;
  /** Events held by all calls (sum of their `events`). */
  private keptEvents = 0;
  /** Calls by Linkedid, in creation order (Map order), for eviction and listing. */
  private readonly callsById = new Map<string, TimelineCall>();
  private readonly channelsById = new Map<string, TimelineChannel>();
  private readonly localPeers = new Map<string, { one?: string; two?: string }>();
  private readonly maxWaiting: number;
  /** Events waiting for a channel by its Uniqueid, and the arrival order of those Uniqueids. */
  private readonly waiting = new Map<string, TimelineInputEvent[]>();
  private waitingOrder: string[] = [];
  private waitingCount = 0;
  private released: TimelineInputEvent[] = [];
  private nextOrder = 0;
  private stats: TimelineStats = emptyStats();
  /** Changes on every add/reset: lists redraw when it moved. */
  version = 0;

  constructor(options: CallIndexOptions = {}) {
    this.maxCalls = Math.max(1, Math.floor(options.maxCalls ?? 5000));
    this.maxEventsPerCall = Math.max(1, Math.floor(options.maxEventsPerCall ?? 2000));
    this.maxWaiting = Math.max(0, Math.floor(options.maxWaiting ?? 2000));
    this.maxEvents = Math.max(1, Math.floor(options.maxEvents ?? Number.POSITIVE_INFINITY));
  }

  /** Changes the bound on the events all calls keep (the panel's ami.panel.maxEvents); applies from the next add. */
  setMaxEvents(maxEvents: number): void {
    if (maxEvents >= 1) this.maxEvents = Math.floor(maxEvents);
  }

  /** Forgets everything (a panel clear, a reload, an opened saved session). */
  reset(): void {
    this.callsById.clear();
    this.channelsById.clear();
    this.localPeers.clear();
    this.waiting.clear();
    this.waitingOrder = [];
    this.waitingCount = 0;
    this.keptEvents = 0;
    this.stats = emptyStats();
    this.version++;
  }

  /** Indexes events in arrival order. */
  add(events: Iterable<TimelineInputEvent>): void {
    for (const event of events) this.addOne(event);
    this.version++;
  }

  private addOne(event: TimelineInputEvent): void {
    this.place(event);
    while (this.released.length > 0) {
      const held = this.released;
      this.released = [];
      for (const e of held) this.place(e);
    }
  }

  private place(event: TimelineInputEvent): void {
    const map = eventHeaderMap(event);
    const refs = channelRefs(map);
    if (refs.length === 0) {
      this.stats.unrelatedEvents++;
      return;
    }
    const eventName = map.get('event') ?? '(no Event header)';
    const time = eventTime(map, event.time);
    const touched = new Set<TimelineCall>();
    for (const ref of refs) {
      const channel = this.channelFor(ref, time);
      if (!channel) continue;
      const call = this.callsById.get(channel.linkedid);
      if (!call) continue;
      if (!touched.has(call)) {
        touched.add(call);
        if (call.events.length < this.maxEventsPerCall) {
          call.events.push(event);
          this.keptEvents++;
        } else call.droppedEvents++;
      }
      if (call.events[call.events.length - 1] !== event) continue; // over the per-call cap: counted, not drawn
      this.applyToChannel(call, channel, ref, eventName, map, event.seq, time);
    }
    if (touched.size === 0) {
      this.hold(event, refs[0].uniqueid);
      return;
    }
    this.stats.indexedEvents++;
    for (const call of touched) {
      call.version++;
      const count = call.events.length;
      // A held event released late goes back to its place in arrival order.
      if (count > 1 && call.events[count - 1] === event && call.events[count - 2].seq > event.seq) call.events.sort((a, b) => a.seq - b.seq);
      if (time < call.start) call.start = time;
      if (time > call.end) call.end = time;
    }
    this.evict();
  }

  /** Keeps an event for a channel not seen yet; beyond maxWaiting the oldest held event is given up (counted). */
  private hold(event: TimelineInputEvent, uniqueid: string): void {
    if (this.maxWaiting === 0) {
      this.stats.unplacedEvents++;
      return;
    }
    const list = this.waiting.get(uniqueid);
    if (list) list.push(event);
    else {
      this.waiting.set(uniqueid, [event]);
      this.waitingOrder.push(uniqueid);
    }
    this.waitingCount++;
    while (this.waitingCount > this.maxWaiting && this.waitingOrder.length > 0) {
      const oldest = this.waitingOrder.shift()!;
      const dropped = this.waiting.get(oldest);
      if (!dropped) continue;
      this.waiting.delete(oldest);
      this.waitingCount -= dropped.length;
      this.stats.unplacedEvents += dropped.length;
    }
    if (this.waitingOrder.length > 4 * this.maxWaiting) this.waitingOrder = this.waitingOrder.filter((id) => this.waiting.has(id));
  }

  /** The channel a reference names, created (with its call) when the reference carries a Linkedid. */
  private channelFor(ref: ChannelRef, time: number): TimelineChannel | undefined {
    let channel = this.channelsById.get(ref.uniqueid);
    if (channel) {
      if (ref.name && ref.prefix === '' && ref.name !== channel.name) this.rename(channel, ref.name);
      if (ref.linkedid && ref.linkedid !== channel.linkedid) this.moveToCall(channel, ref.linkedid, time);
      return channel;
    }
    if (!ref.linkedid) return undefined;
    const name = ref.name ?? ref.uniqueid;
    channel = {
      uniqueid: ref.uniqueid,
      name,
      linkedid: ref.linkedid,
      start: time,
      states: ref.state ? [{ state: ref.state, from: time }] : [],
      bridges: [],
      marks: [],
      order: this.nextOrder++,
    };
    this.channelsById.set(channel.uniqueid, channel);
    this.stats.channels++;
    const held = this.waiting.get(channel.uniqueid);
    if (held) {
      this.waiting.delete(channel.uniqueid);
      this.waitingCount -= held.length;
      this.released.push(...held);
    }
    this.setLocal(channel);
    this.callFor(ref.linkedid, time).channels.push(channel);
    return channel;
  }

  private callFor(linkedid: string, time: number): TimelineCall {
    let call = this.callsById.get(linkedid);
    if (!call) {
      call = { linkedid, channels: [], dials: [], events: [], droppedEvents: 0, start: time, end: time, version: 0 };
      this.callsById.set(linkedid, call);
      this.stats.calls++;
    }
    return call;
  }

  private setLocal(channel: TimelineChannel): void {
    const previous = channel.local;
    if (previous) {
      const peers = this.localPeers.get(previous.base);
      if (peers?.[previous.side === 1 ? 'one' : 'two'] === channel.uniqueid) delete peers[previous.side === 1 ? 'one' : 'two'];
    }
    channel.local = localChannelSide(channel.name);
    if (!channel.local) return;
    const peers = this.localPeers.get(channel.local.base) ?? {};
    peers[channel.local.side === 1 ? 'one' : 'two'] = channel.uniqueid;
    this.localPeers.set(channel.local.base, peers);
  }

  private rename(channel: TimelineChannel, name: string): void {
    channel.name = name;
    this.setLocal(channel);
  }

  /** Asterisk moves a channel to an older Linkedid when calls are joined (transfers): follow it. */
  private moveToCall(channel: TimelineChannel, linkedid: string, time: number): void {
    const from = this.callsById.get(channel.linkedid);
    const to = this.callFor(linkedid, time);
    channel.linkedid = linkedid;
    to.channels.push(channel);
    to.channels.sort((a, b) => a.order - b.order);
    to.version++;
    if (!from) return;
    from.channels = from.channels.filter((c) => c !== channel);
    for (const dial of from.dials) if (dial.to === channel.uniqueid || dial.from === channel.uniqueid) to.dials.push(dial);
    from.version++;
    if (from.channels.length === 0) {
      // Its events now belong to the call it joined.
      const seen = new Set(to.events.map((e) => e.seq));
      for (const e of from.events) {
        if (!seen.has(e.seq) && to.events.length < this.maxEventsPerCall) {
          to.events.push(e);
          this.keptEvents++;
        }
      }
      this.keptEvents -= from.events.length;
      to.events.sort((a, b) => a.seq - b.seq);
      to.start = Math.min(to.start, from.start);
      this.callsById.delete(from.linkedid);
      this.stats.calls--;
    }
  }

  private applyToChannel(
    call: TimelineCall,
    channel: TimelineChannel,
    ref: ChannelRef,
    eventName: string,
    map: ReadonlyMap<string, string>,
    seq: number,
    time: number,
  ): void {
    const { kind, label } = markOf(eventName, map, ref);
    channel.marks.push({ kind, time, seq, event: eventName, label });
    const state = ref.state;
    if (state && channel.states[channel.states.length - 1]?.state !== state) channel.states.push({ state, from: time });
    switch (kind) {
      case 'newchannel':
        if (time < channel.start) channel.start = time;
        break;
      case 'bridge-enter':
        channel.bridges.push({ bridge: map.get('bridgeuniqueid') ?? '', from: time });
        break;
      case 'bridge-leave': {
        const open = [...channel.bridges].reverse().find((b) => b.to === undefined && b.bridge === (map.get('bridgeuniqueid') ?? ''));
        if (open) open.to = time;
        break;
      }
      case 'hangup': {
        const { code, text } = causeOf(map);
        channel.hangup = { code, text, time, seq };
        channel.end = time;
        for (const bridge of channel.bridges) if (bridge.to === undefined) bridge.to = time;
        break;
      }
      case 'dial-begin':
        // One dial per DialBegin: recorded once, from the callee's reference (every DialBegin has one).
        if (ref.prefix === 'dest') {
          call.dials.push({
            from: present(map.get('uniqueid')),
            to: channel.uniqueid,
            begin: time,
            dialString: map.get('dialstring'),
          });
        }
        break;
      case 'dial-end':
        if (ref.prefix === 'dest') {
          const caller = present(map.get('uniqueid'));
          const open = [...call.dials].reverse().find((d) => d.to === channel.uniqueid && d.from === caller && d.end === undefined);
          if (open) {
            open.end = time;
            open.status = map.get('dialstatus');
          }
        }
        break;
      default:
        break;
    }
  }

  private evict(): void {
    // The newest call always stays, however many events it holds (maxEventsPerCall bounds it).
    while (this.callsById.size > this.maxCalls || (this.keptEvents > this.maxEvents && this.callsById.size > 1)) {
      const oldest = this.callsById.values().next().value as TimelineCall;
      this.callsById.delete(oldest.linkedid);
      this.keptEvents -= oldest.events.length;
      for (const channel of oldest.channels) {
        if (this.channelsById.get(channel.uniqueid) === channel) this.channelsById.delete(channel.uniqueid);
        if (channel.local) {
          const peers = this.localPeers.get(channel.local.base);
          if (peers) {
            if (peers.one === channel.uniqueid) delete peers.one;
            if (peers.two === channel.uniqueid) delete peers.two;
            if (!peers.one && !peers.two) this.localPeers.delete(channel.local.base);
          }
        }
      }
      this.stats.calls--;
      this.stats.channels -= oldest.channels.length;
      this.stats.evictedCalls++;
    }
  }

  /** Calls in creation order (oldest first). */
  calls(): TimelineCall[] {
    return [...this.callsById.values()];
  }

  get callCount(): number {
    return this.callsById.size;
  }

  call(linkedid: string): TimelineCall | undefined {
    return this.callsById.get(linkedid);
  }

  channel(uniqueid: string): TimelineChannel | undefined {
    return this.channelsById.get(uniqueid);
  }

  /** The other half of a Local channel (`;1` ↔ `;2`), when known. */
  localPeer(channel: TimelineChannel): TimelineChannel | undefined {
    if (!channel.local) return undefined;
    const peers = this.localPeers.get(channel.local.base);
    const id = channel.local.side === 1 ? peers?.two : peers?.one;
    return id === undefined ? undefined : this.channelsById.get(id);
  }

  /**
   * The call an event (or a list item, or a response) belongs to: by its Linkedid, else by any channel it names.
   * Undefined when it names no known channel.
   */
  callOf(headers: ReadonlyArray<readonly [string, string]>): TimelineCall | undefined {
    const map = headerMap(headers);
    for (const ref of channelRefs(map)) {
      const channel = this.channelsById.get(ref.uniqueid);
      if (channel) return this.callsById.get(channel.linkedid);
      if (ref.linkedid && this.callsById.has(ref.linkedid)) return this.callsById.get(ref.linkedid);
    }
    const linkedid = present(map.get('linkedid'));
    if (linkedid) return this.callsById.get(linkedid);
    const uniqueid = present(map.get('uniqueid'));
    const channel = uniqueid ? this.channelsById.get(uniqueid) : undefined;
    return channel ? this.callsById.get(channel.linkedid) : undefined;
  }

  /** Lanes of a call: channels by creation, each Local `;1` followed by its `;2`. */
  lanes(call: TimelineCall): TimelineChannel[] {
    const ordered: TimelineChannel[] = [];
    const placed = new Set<TimelineChannel>();
    for (const channel of call.channels) {
      if (placed.has(channel)) continue;
      const peer = this.localPeer(channel);
      const pair = peer && peer.linkedid === call.linkedid && !placed.has(peer) ? (channel.local?.side === 1 ? [channel, peer] : [peer, channel]) : [channel];
      for (const c of pair) {
        placed.add(c);
        ordered.push(c);
      }
    }
    return ordered;
  }

  /** True when every channel of the call has hung up. */
  static isEnded(call: TimelineCall): boolean {
    return call.channels.length > 0 && call.channels.every((c) => c.hangup !== undefined);
  }

  counters(): TimelineStats {
    return { ...this.stats, waitingEvents: this.waitingCount };
  }
}

/** The call's events as on the wire (`Name: value` lines, a blank line between events), with a heading. */
export function callAsText(call: TimelineCall): string {
  let text = `# Call ${call.linkedid}: ${call.channels.length} channel(s), ${call.events.length} event(s)` +
    (call.droppedEvents > 0 ? `, ${call.droppedEvents} more not kept` : '') + '\n\n';
  for (const event of call.events) {
    for (const [name, value] of event.headers) text += `${name}: ${value}\n`;
    text += '\n';
  }
  return text;
}
