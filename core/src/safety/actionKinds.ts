/**
 * Which actions only read. On a production profile every other action asks first (SECURITY.md).
 * Conservative: an action not known to be read-only counts as state-changing.
 */

const READ_ONLY = new Set(
  [
    'Ping', 'CoreSettings', 'CoreStatus', 'CoreShowChannels', 'CoreShowChannelMap', 'ListCommands', 'Status', 'Getvar',
    'ShowDialPlan', 'ExtensionState', 'ExtensionStateList', 'PresenceState', 'PresenceStateList', 'DeviceStateList',
    'MailboxCount', 'MailboxStatus', 'ModuleCheck', 'QueueStatus', 'QueueSummary', 'Queues', 'Agents', 'Parkinglots',
    'ParkedCalls', 'DBGet', 'DBGetTree', 'BridgeList', 'BridgeInfo', 'BridgeTechnologyList', 'ConfbridgeList',
    'ConfbridgeListRooms', 'MeetmeList', 'MeetmeListRooms', 'VoicemailUsersList', 'VoicemailUserStatus', 'IAXpeers',
    'IAXpeerlist', 'IAXnetstats', 'IAXregistry', 'SIPpeers', 'SIPshowpeer', 'SIPqualifypeer', 'SIPshowregistry',
    'SIPpeerstatus', 'PJSIPShowEndpoints', 'PJSIPShowEndpoint', 'PJSIPShowAors', 'PJSIPShowAuths', 'PJSIPShowContacts',
    'PJSIPShowRegistrationsInbound', 'PJSIPShowRegistrationsOutbound', 'PJSIPShowRegistrationInboundContactStatuses',
    'PJSIPShowResourceLists', 'PJSIPShowSubscriptionsInbound', 'PJSIPShowSubscriptionsOutbound', 'PJSIPQualify',
    'FAXSessions', 'FAXSession', 'FAXStats', 'WaitEvent', 'Events', 'Filter', 'Logoff', 'DAHDIShowChannels',
    'DAHDIShowStatus', 'PRIShowSpans',
  ].map((name) => name.toLowerCase()),
);

/** True when the action only reads state (no call, no config, no variable, no module change). */
export function isReadOnlyAction(action: string): boolean {
  return READ_ONLY.has(action.trim().toLowerCase());
}
