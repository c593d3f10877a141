/** The transport-agnostic AMI session: see session.ts and connection.ts. */
export { AmiSession, isPermissionDenied } from './session';
export type { ActionHeaders, ActionResult, AmiCredentials, SendOptions, SessionIo, SessionOptions } from './session';
export { AmiConnection, describeState } from './connection';
export type { ConnectionOptions, ConnectionState, TransportFactory, TransportHandle, TransportHandlers } from './connection';
export { AmiActionError, AmiConnectError, describeSocketError } from './errors';
export type { AmiActionErrorCode, AmiConnectErrorCode } from './errors';
export { EventQueue } from './eventQueue';
export { ManualClock, systemClock } from './clock';
export type { Clock, TimerHandle } from './clock';
export { backoffDelay, DEFAULT_BACKOFF } from './backoff';
export type { BackoffOptions } from './backoff';
export { Emitter } from './emitter';
export type { Disposable } from './emitter';
