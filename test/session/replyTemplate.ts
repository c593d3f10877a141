/**
 * Recorded answers turned into templates: the exact recorded bytes, cut at the recorded TCP read boundaries,
 * with holes where the client's ActionID (and a few other values: the MD5 challenge, an action name) go.
 */
import { MIN_REPRODUCED_DELAY_MS, type RecordedExchange, type RecordedMessage } from './captureIndex';

/** A hole in a template. `actionIdLine` renders `ActionID: <id>\r\n`, or nothing when the client sent none. */
type Hole = { hole: 'actionIdLine' } | { hole: 'text'; key: string };
type Part = Buffer | Hole;

/** One piece of a message; `flush` is true when a recorded read ended right after it. */
interface Segment {
  parts: Part[];
  flush: boolean;
}

/** One recorded message ready to be rendered. */
export interface TemplateMessage {
  segments: Segment[];
  isEvent: boolean;
  /** Lower-case classes of the event's `Privilege:` header (empty for responses). */
  classes: string[];
  /** Recorded delay after the request, in ms (0 when below MIN_REPRODUCED_DELAY_MS). */
  delayMs: number;
  /** False for async events that follow a reply (they do not hold up later responses). */
  ordered: boolean;
}

/** Values substituted into holes, and which events may flow. */
export interface RenderContext {
  actionId: string | undefined;
  values?: Record<string, string>;
  allowEvent: (classes: string[]) => boolean;
}

/** One socket write: bytes, when (ms after the request), and whether later responses wait for it. */
export interface RenderedWrite {
  delayMs: number;
  ordered: boolean;
  data: Buffer;
}

/** Text to replace with a hole (every occurrence). */
export interface TextHole {
  text: string;
  key: string;
}

const ACTION_ID_LINE = /^actionid:/i;

/** Builds the template of one recorded message. */
function messageTemplate(
  exchange: RecordedExchange,
  message: RecordedMessage,
  ordered: boolean,
  textHoles: TextHole[],
): TemplateMessage {
  const bytes = exchange.received;
  // Ranges [start, end) of the message to replace, with their hole.
  const holes: Array<{ start: number; end: number; hole: Hole }> = [];
  let pos = message.off;
  let sawActionId = false;
  let firstLineEnd = -1;
  while (pos < message.end) {
    const lf = bytes.indexOf(10, pos);
    const lineEnd = lf < 0 || lf >= message.end ? message.end : lf + 1;
    if (firstLineEnd < 0) firstLineEnd = lineEnd;
    const line = bytes.subarray(pos, lineEnd).toString('latin1');
    if (ACTION_ID_LINE.test(line) && exchange.actionId !== undefined && !sawActionId) {
      const value = line.slice('ActionID:'.length).replace(/^[ \t]+/, '').replace(/\r?\n$/, '');
      if (value === exchange.actionId) holes.push({ start: pos, end: lineEnd, hole: { hole: 'actionIdLine' } });
      sawActionId = true;
    }
    pos = lineEnd;
  }
  if (exchange.actionId === undefined && message.kind !== 'banner' && ordered) {
    // Asterisk echoes an ActionID right after the first line when the request had one.
    holes.push({ start: firstLineEnd, end: firstLineEnd, hole: { hole: 'actionIdLine' } });
  }
  const text = bytes.subarray(message.off, message.end).toString('latin1');
  for (const { text: find, key } of textHoles) {
    let at = text.indexOf(find);
    while (at >= 0) {
      const start = message.off + at;
      if (!holes.some((h) => start < h.end && start + find.length > h.start)) {
        holes.push({ start, end: start + find.length, hole: { hole: 'text', key } });
      }
      at = text.indexOf(find, at + find.length);
    }
  }
  holes.sort((a, b) => a.start - b.start);

  const segments: Segment[] = [];
  let parts: Part[] = [];
  let cursor = message.off;
  const emitBytes = (until: number): void => {
    // Copy bytes [cursor, until), cutting at recorded read boundaries.
    while (cursor < until) {
      let cut = until;
      for (let k = cursor + 1; k <= until; k++) {
        if (exchange.recvBoundaries.has(k)) {
          cut = k;
          break;
        }
      }
      parts.push(Buffer.from(bytes.subarray(cursor, cut)));
      cursor = cut;
      if (exchange.recvBoundaries.has(cut)) {
        segments.push({ parts, flush: true });
        parts = [];
      }
    }
  };
  for (const { start, end, hole } of holes) {
    emitBytes(start);
    parts.push(hole);
    cursor = end;
    // A read boundary inside a replaced value moves to its end.
    for (let k = start + 1; k <= end; k++) {
      if (exchange.recvBoundaries.has(k)) {
        segments.push({ parts, flush: true });
        parts = [];
        break;
      }
    }
  }
  emitBytes(message.end);
  if (parts.length > 0) segments.push({ parts, flush: false });

  const privilege = message.kind === 'event' ? message.fields.get('Privilege') ?? '' : '';
  const delay = Math.round((message.t - exchange.t) * 1000);
  return {
    segments,
    isEvent: message.kind === 'event',
    classes: privilege
      .split(',')
      .map((c) => c.trim().toLowerCase())
      .filter((c) => c.length > 0),
    delayMs: delay >= MIN_REPRODUCED_DELAY_MS ? delay : 0,
    ordered,
  };
}

/** A recorded exchange as a template: its reply (ordered) then its async events. */
export class ReplyTemplate {
  readonly messages: TemplateMessage[];

  constructor(
    readonly exchange: RecordedExchange,
    textHoles: TextHole[] = [],
    options: { includeAsync?: boolean } = {},
  ) {
    const includeAsync = options.includeAsync ?? true;
    this.messages = [
      ...exchange.reply.map((m) => messageTemplate(exchange, m, true, textHoles)),
      ...(includeAsync ? exchange.async.map((m) => messageTemplate(exchange, m, false, textHoles)) : []),
    ];
  }

  /** Renders the writes for one request, in order. */
  render(context: RenderContext): RenderedWrite[] {
    const writes: RenderedWrite[] = [];
    const actionIdLine = context.actionId ? Buffer.from(`ActionID: ${context.actionId}\r\n`, 'latin1') : undefined;
    let pending: Buffer[] = [];
    let pendingDelay = 0;
    let pendingOrdered = true;
    const flush = (): void => {
      if (pending.length === 0) return;
      writes.push({ delayMs: pendingDelay, ordered: pendingOrdered, data: Buffer.concat(pending) });
      pending = [];
    };
    for (const message of this.messages) {
      if (message.isEvent && !message.ordered && !context.allowEvent(message.classes)) continue;
      if (pending.length > 0 && (message.delayMs !== pendingDelay || message.ordered !== pendingOrdered)) flush();
      pendingDelay = message.delayMs;
      pendingOrdered = message.ordered;
      for (const segment of message.segments) {
        for (const part of segment.parts) {
          if (Buffer.isBuffer(part)) pending.push(part);
          else if (part.hole === 'actionIdLine') {
            if (actionIdLine) pending.push(actionIdLine);
          } else {
            const value = context.values?.[part.key];
            if (value === undefined) throw new Error(`no value for template hole ${part.key}`);
            pending.push(Buffer.from(value, 'latin1'));
          }
        }
        if (segment.flush) flush();
      }
    }
    flush();
    return writes;
  }
}
