// least-talk-time: the agent with the least talk time since login (mod_callcenter's agent-with-least-talk-time).
import { sortedBy } from './strategy.js';

export const leastTalkTime = sortedBy({ name: 'least-talk-time', key: (c) => c.talkMs, why: (c) => `${Math.round(c.talkMs / 1000)} s talk time, the least` });
