/**
 * Layout of one call's timeline as a flat list of drawing primitives, so the same picture is drawn as inline SVG
 * (the panel, "Export SVG") and on a canvas ("Export PNG", which the webview's CSP would not allow through an
 * <img> of a blob). Pure (no DOM): tested in node.
 */
import { CallIndex, clockTime, type MarkKind, type TimelineCall, type TimelineChannel } from '../../core/src/timeline';

export interface SceneTheme {
  background: string;
  foreground: string;
  grid: string;
  font: string;
}

interface Base {
  /** CSS class in the SVG (also what tests count). */
  cls?: string;
  /** data-* attributes in the SVG. */
  data?: Record<string, string>;
  /** Tooltip (<title>), set as text. */
  title?: string;
}

export type Prim =
  | (Base & { kind: 'rect'; x: number; y: number; w: number; h: number; fill: string; stroke?: string; dash?: boolean })
  | (Base & { kind: 'line'; x1: number; y1: number; x2: number; y2: number; stroke: string; width?: number; dash?: boolean })
  | (Base & { kind: 'circle'; cx: number; cy: number; r: number; fill: string; stroke?: string })
  | (Base & { kind: 'poly'; points: Array<[number, number]>; fill: string; stroke?: string })
  | (Base & { kind: 'text'; x: number; y: number; text: string; fill: string; size: number; bold?: boolean; anchor?: 'start' | 'middle' | 'end' });

export interface Scene {
  width: number;
  height: number;
  /** Pixels per millisecond used. */
  scale: number;
  /** Drawing order = list order. */
  prims: Prim[];
}

export const LABEL_WIDTH = 300;
export const AXIS_HEIGHT = 30;
export const LANE_HEIGHT = 58;
export const RIGHT_PAD = 170;
/** Marks at (nearly) the same time are drawn side by side in arrival order, this far apart. */
export const MARK_GAP = 10;

export const MARK_COLORS: Readonly<Record<MarkKind, string>> = {
  newchannel: '#29b6f6',
  state: '#c0ca33',
  exten: '#90a4ae',
  'dial-begin': '#ffb300',
  'dial-end': '#fb8c00',
  'bridge-enter': '#ab47bc',
  'bridge-leave': '#6a1b9a',
  'local-bridge': '#26a69a',
  var: '#5c6bc0',
  user: '#ec407a',
  callerid: '#8d6e63',
  'hangup-request': '#ef9a9a',
  hangup: '#e53935',
  originate: '#00897b',
  cdr: '#bdbdbd',
  other: '#eeeeee',
};

export const MARK_KIND_NAMES: Readonly<Record<MarkKind, string>> = {
  newchannel: 'new channel',
  state: 'state change',
  exten: 'dialplan step',
  'dial-begin': 'dial begins',
  'dial-end': 'dial ends',
  'bridge-enter': 'enters bridge',
  'bridge-leave': 'leaves bridge',
  'local-bridge': 'Local pair bridged',
  var: 'variable set',
  user: 'user event',
  callerid: 'caller ID',
  'hangup-request': 'hangup request',
  hangup: 'hangup',
  originate: 'originate response',
  cdr: 'CDR',
  other: 'other event',
};

/** Lane bar colour for a channel state (ChannelStateDesc). */
export function stateColor(state: string): string {
  switch (state.toLowerCase()) {
    case 'up':
      return '#43a047';
    case 'down':
    case 'rsrvd':
      return '#546e7a';
    case 'busy':
      return '#b71c1c';
    case 'ring':
    case 'ringing':
    case 'dialing':
    case 'dialing offhook':
    case 'offhook':
    case 'pre-ring':
      return '#f9a825';
    default:
      return '#78909c';
  }
}

/** A tick step (1, 2 or 5 × 10^k ms) giving at least `minPx` between ticks. */
export function tickStep(scale: number, minPx = 90): number {
  const raw = minPx / Math.max(scale, 1e-9);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/** `+1.5 s`, `+250 ms`: an offset from the call's start. */
export function formatOffset(ms: number): string {
  if (Math.abs(ms) >= 1000) return `+${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : Math.abs(ms) >= 10_000 ? 1 : 3).replace(/\.?0+$/, '')} s`;
  return `+${Math.round(ms * 1000) / 1000} ms`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Short mark label drawn under the lane (the full label is in the tooltip). */
function shortLabel(kind: MarkKind, label: string, event: string): string | undefined {
  switch (kind) {
    case 'exten': {
      const app = /\s(\S+?)\(/.exec(label);
      return app ? app[1] : undefined;
    }
    case 'state':
      return label;
    case 'dial-end':
      return label.replace(/^dial /, '');
    case 'user':
      return label.replace(/^UserEvent /, '');
    case 'hangup':
      return label.replace(/^Hangup /, '');
    case 'bridge-enter':
      return 'bridge';
    case 'other':
      return event;
    default:
      return undefined;
  }
}

/** Width of `chars` characters of the label font, roughly (labels are skipped rather than overlapped). */
const CHAR_PX = 6;

/** Fit scale: the whole call in `width` pixels. */
export function fitScale(call: TimelineCall, width: number): number {
  const span = Math.max(call.end - call.start, 1);
  return Math.max(width - LABEL_WIDTH - RIGHT_PAD, 100) / span;
}

/** Lays out one call at `scale` pixels per millisecond. */
export function layoutCall(index: CallIndex, call: TimelineCall, scale: number, theme: SceneTheme): Scene {
  const lanes = index.lanes(call);
  const start = call.start;
  const x = (t: number): number => LABEL_WIDTH + (t - start) * scale;
  // Marks are pushed right of a neighbour closer than MARK_GAP, so the scene may end past the last time.
  const placed = lanes.map((lane) => placeMarks(lane, x));
  const rightmost = Math.max(x(call.end), ...placed.map((p) => p.right));
  const width = Math.ceil(rightmost + RIGHT_PAD);
  const height = AXIS_HEIGHT + Math.max(lanes.length, 1) * LANE_HEIGHT + 8;
  const prims: Prim[] = [];
  prims.push({ kind: 'rect', x: 0, y: 0, w: width, h: height, fill: theme.background, cls: 'tl-background' });

  // Axis: ticks relative to the call start, the wall-clock start on the left.
  const step = tickStep(scale);
  prims.push({ kind: 'text', x: 8, y: 18, text: `call ${call.linkedid} · start ${clockTime(start, true)}`, fill: theme.foreground, size: 11, bold: true, cls: 'tl-axis-title' });
  for (let t = 0; x(start + t) <= width - 20; t += step) {
    const tx = x(start + t);
    prims.push({ kind: 'line', x1: tx, y1: AXIS_HEIGHT - 6, x2: tx, y2: height, stroke: theme.grid, width: 1, cls: 'tl-tick' });
    prims.push({ kind: 'text', x: tx + 3, y: AXIS_HEIGHT - 9, text: formatOffset(t), fill: theme.foreground, size: 10, cls: 'tl-tick-label' });
  }

  const laneY = new Map<string, number>();
  lanes.forEach((lane, i) => laneY.set(lane.uniqueid, AXIS_HEIGHT + i * LANE_HEIGHT + 22));

  lanes.forEach((lane, i) => {
    const top = AXIS_HEIGHT + i * LANE_HEIGHT;
    const yc = top + 22;
    const data = { uniqueid: lane.uniqueid, channel: lane.name };
    prims.push({ kind: 'rect', x: 0, y: top, w: width, h: LANE_HEIGHT, fill: i % 2 === 0 ? 'rgba(127,127,127,0.06)' : 'rgba(127,127,127,0.12)', cls: 'tl-lane', data });
    const sideText = lane.local ? ` ;${lane.local.side}` : '';
    prims.push({ kind: 'text', x: 18, y: top + 18, text: truncate(lane.local ? lane.local.base : lane.name, 40) + sideText, fill: theme.foreground, size: 12, bold: true, cls: 'tl-lane-name', title: lane.name });
    const cause = lane.hangup ? `hangup ${lane.hangup.code} ${lane.hangup.text}` : 'not hung up yet';
    prims.push({ kind: 'text', x: 18, y: top + 34, text: truncate(`${lane.uniqueid} · ${cause}`, 46), fill: theme.foreground, size: 10, cls: 'tl-lane-detail', title: cause });

    // Life of the channel, coloured by state.
    const end = lane.end ?? call.end;
    const spans = lane.states.length > 0 ? lane.states : [{ state: 'Unknown', from: lane.start }];
    spans.forEach((span, k) => {
      const from = Math.max(span.from, lane.start);
      const to = k + 1 < spans.length ? spans[k + 1].from : end;
      prims.push({
        kind: 'rect',
        x: x(from),
        y: yc - 4,
        w: Math.max(x(to) - x(from), 1),
        h: 8,
        fill: stateColor(span.state),
        cls: 'tl-state',
        data: { state: span.state },
        title: `${span.state} from ${formatOffset(from - start)}`,
      });
    });
    if (lane.end === undefined) {
      prims.push({ kind: 'line', x1: x(end), y1: yc, x2: x(end) + 30, y2: yc, stroke: stateColor(spans[spans.length - 1].state), width: 3, dash: true, cls: 'tl-live' });
    }
    for (const bridge of lane.bridges) {
      const to = bridge.to ?? end;
      prims.push({ kind: 'rect', x: x(bridge.from), y: yc - 12, w: Math.max(x(to) - x(bridge.from), 2), h: 5, fill: MARK_COLORS['bridge-enter'], cls: 'tl-bridge', title: `in bridge ${bridge.bridge}` });
    }
  });

  // Local pairs: a bracket joining ;1 and ;2.
  lanes.forEach((lane, i) => {
    const peer = lanes[i + 1];
    if (!lane.local || lane.local.side !== 1 || !peer?.local || peer.local.base !== lane.local.base) return;
    const y1 = laneY.get(lane.uniqueid)! - 4;
    const y2 = laneY.get(peer.uniqueid)! - 4;
    prims.push({
      kind: 'poly',
      points: [[12, y1], [6, y1], [6, y2], [12, y2], [6, y2], [6, y1]],
      fill: 'none',
      stroke: MARK_COLORS['local-bridge'],
      cls: 'tl-local-pair',
      data: { base: lane.local.base },
      title: `Local channel pair ${lane.local.base} (;1 and ;2)`,
    });
  });

  // Channels in the same bridge: joined by a line from the moment the last of them entered it.
  const bridged = new Map<string, Array<{ y: number; from: number }>>();
  for (const lane of lanes) {
    for (const bridge of lane.bridges) bridged.set(bridge.bridge, [...(bridged.get(bridge.bridge) ?? []), { y: laneY.get(lane.uniqueid)!, from: bridge.from }]);
  }
  for (const [bridge, members] of bridged) {
    const ys = [...new Set(members.map((m) => m.y))];
    if (ys.length < 2) continue;
    const bx = x(Math.max(...members.map((m) => m.from)));
    prims.push({ kind: 'line', x1: bx, y1: Math.min(...ys) - 10, x2: bx, y2: Math.max(...ys) - 10, stroke: MARK_COLORS['bridge-enter'], width: 3, cls: 'tl-bridge-link', data: { bridge }, title: `bridge ${bridge}: ${ys.length} channels` });
  }

  // Dials between lanes: an arrow from the caller to the callee at DialBegin.
  for (const dial of call.dials) {
    const toY = laneY.get(dial.to);
    const fromY = dial.from ? laneY.get(dial.from) : undefined;
    if (toY === undefined) continue;
    const dx = x(dial.begin);
    const title = `dial ${dial.dialString ?? ''} → ${dial.status ?? 'no answer yet'}`;
    if (fromY === undefined) {
      prims.push({ kind: 'line', x1: dx, y1: toY - 20, x2: dx, y2: toY - 8, stroke: MARK_COLORS['dial-begin'], width: 2, cls: 'tl-dial', title });
      prims.push({ kind: 'poly', points: [[dx - 4, toY - 11], [dx + 4, toY - 11], [dx, toY - 6]], fill: MARK_COLORS['dial-begin'], cls: 'tl-dial-head' });
      continue;
    }
    const down = toY > fromY;
    const tipY = down ? toY - 6 : toY + 6;
    prims.push({ kind: 'line', x1: dx, y1: fromY, x2: dx, y2: tipY, stroke: MARK_COLORS['dial-begin'], width: 2, cls: 'tl-dial', title });
    prims.push({ kind: 'poly', points: [[dx - 4, tipY + (down ? -6 : 6)], [dx + 4, tipY + (down ? -6 : 6)], [dx, tipY]], fill: MARK_COLORS['dial-begin'], cls: 'tl-dial-head' });
  }

  // Marks last, so they are on top and clickable.
  lanes.forEach((lane, i) => {
    const yc = laneY.get(lane.uniqueid)!;
    const labelRows = [0, 0];
    for (const { mark, drawX, trueX } of placed[i].marks) {
      if (drawX !== trueX) prims.push({ kind: 'line', x1: trueX, y1: yc + 7, x2: drawX, y2: yc + 7, stroke: theme.grid, width: 1, cls: 'tl-cluster' });
      const color = MARK_COLORS[mark.kind];
      const data = { seq: String(mark.seq), kind: mark.kind, uniqueid: lane.uniqueid };
      const title = `${mark.event}: ${mark.label}\n${formatOffset(mark.time - start)} (${clockTime(mark.time, true)}) · #${mark.seq}`;
      const base = { cls: `tl-mark mark-${mark.kind}`, data, title, fill: color, stroke: theme.background };
      if (mark.kind === 'hangup') prims.push({ ...base, kind: 'rect', x: drawX - 5, y: yc - 5, w: 10, h: 10 });
      else if (mark.kind === 'dial-begin' || mark.kind === 'dial-end') {
        prims.push({ ...base, kind: 'poly', points: [[drawX - 5, yc - 5], [drawX + 5, yc], [drawX - 5, yc + 5]] });
      } else if (mark.kind === 'exten') {
        prims.push({ ...base, kind: 'poly', points: [[drawX, yc - 6], [drawX + 5, yc], [drawX, yc + 6], [drawX - 5, yc]] });
      } else prims.push({ ...base, kind: 'circle', cx: drawX, cy: yc, r: 5 });
      const text = shortLabel(mark.kind, mark.label, mark.event);
      if (text === undefined) continue;
      const short = truncate(text, 28);
      const row = labelRows[0] <= drawX - 2 ? 0 : labelRows[1] <= drawX - 2 ? 1 : -1;
      if (row < 0) continue;
      labelRows[row] = drawX + short.length * CHAR_PX + 4;
      prims.push({ kind: 'text', x: drawX - 3, y: yc + 19 + row * 11, text: short, fill: mark.kind === 'hangup' ? MARK_COLORS.hangup : theme.foreground, size: 10, cls: 'tl-mark-label', data: { seq: String(mark.seq) } });
    }
  });
  return { width, height, scale, prims };
}

interface PlacedMark {
  mark: TimelineChannel['marks'][number];
  trueX: number;
  drawX: number;
}

/** Marks in time order, each at least MARK_GAP right of the previous one on its lane (none hides another). */
function placeMarks(lane: TimelineChannel, x: (t: number) => number): { marks: PlacedMark[]; right: number } {
  const sorted = [...lane.marks].sort((a, b) => a.time - b.time || a.seq - b.seq);
  const marks: PlacedMark[] = [];
  let last = Number.NEGATIVE_INFINITY;
  for (const mark of sorted) {
    const trueX = x(mark.time);
    const drawX = Math.max(trueX, last + MARK_GAP);
    marks.push({ mark, trueX, drawX });
    last = drawX;
  }
  return { marks, right: Number.isFinite(last) ? last : 0 };
}
