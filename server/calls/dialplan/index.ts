// The dial plan's public surface.
export { Destination, type DestinationKindName, type CalendarState } from './destinations.js';
export { createDialPlanService, type DialPlanService, type DialPlanRowLike } from './service.js';
export type { DialPlanEntry, Resolution, ResolvedStep, TraceLine } from './resolver.js';
