/** Call timeline model: events → calls (Linkedid) → channels (Uniqueid) → marks; hangup cause texts. */
export { CallIndex, callAsText, eventTime, localChannelSide } from './callIndex';
export type {
  BridgeSpan,
  CallIndexOptions,
  HangupInfo,
  MarkKind,
  StateSpan,
  TimelineCall,
  TimelineChannel,
  TimelineDial,
  TimelineInputEvent,
  TimelineMark,
  TimelineStats,
} from './callIndex';
export { clockTime } from './clock';
export { allHangupCauses, hangupCause, hangupCauseText } from './hangupCauses';
export type { HangupCauseInfo } from './hangupCauses';
