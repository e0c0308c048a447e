// longest-idle: the agent free for the longest time (Asterisk's leastrecent, mod_callcenter's longest-idle-agent).
import { sortedBy } from './strategy.js';

export const longestIdle = sortedBy({ name: 'longest-idle', key: (c) => c.idleSince, why: (c) => `idle since ${new Date(c.idleSince).toISOString()}, the longest` });
