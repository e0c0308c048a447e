// SIP-specific event notification, notifier side (RFC 6665).
export { SubscriptionServer } from './server.js';
export type { EventPackage, AuthorizeResult, SubscriptionServerOptions } from './server.js';
export { Subscription } from './subscription.js';
export type { NotifyContent, SubscriptionView } from './subscription.js';
export { parseEventHeader, formatSubscriptionState, accepts } from './event.js';
export type { EventHeader, SubscriptionStateValue } from './event.js';
