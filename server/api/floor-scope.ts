// The part of the ACD floor a signed-in user oversees (server/acd/scope.ts): admins, who configure
// the ACD, the whole floor; a supervisor the queues and teams on its user.
import { floorScope, type FloorScope } from '../acd/scope.js';
import type { Principal } from './access.js';

export const floorScopeOf = (p: Principal): FloorScope | undefined =>
  floorScope({ queues: p.user.queues, teams: p.user.teams, wholeFloor: p.permissions.has('acd.write') });
