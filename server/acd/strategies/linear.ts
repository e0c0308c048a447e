// linear: always top-down in membership order (Asterisk's linear, mod_callcenter's top-down).
import { sortedBy } from './strategy.js';

export const linear = sortedBy({ name: 'linear', key: (c) => c.order, why: (c) => `first free in order (position ${c.order})` });
