// Test helpers: flows written the way the API receives them, parsed with the published schema.
import { FlowDocument, type FlowDocumentInput } from './flow-schema.js';
import type { FlowServices } from './engine.js';

export const parseFlow = (doc: FlowDocumentInput): FlowDocument => FlowDocument.parse(doc);

/** services for the simulator in unit tests: a fixed instant, a fetch that must not be called */
export function fakeServices(o: Partial<FlowServices> = {}): FlowServices {
  return {
    now: () => Date.UTC(2026, 11, 7, 10, 0),
    fetch: () => Promise.reject(new Error('no network in this test')),
    ...o,
  };
}

/** the support-line flow of the acceptance tests: press 1 for balance (http), 2 for an agent */
export const SUPPORT_FLOW: FlowDocumentInput = {
  start: 'welcome',
  fallback: { queue: 'support' },
  nodes: {
    welcome: { verb: 'say', text: 'Welcome to Hailing.', next: 'main' },
    main: {
      verb: 'menu',
      prompt: { say: 'For your balance press 1. For an agent press 2.' },
      choices: { '1': 'lookup', '2': 'agent' },
      invalidPrompt: { say: 'That is not an option.' },
      timeoutPrompt: { say: 'We did not hear a key.' },
      timeoutMs: 3000,
    },
    lookup: { verb: 'http', url: 'http://127.0.0.1:9/balance?caller={{caller}}', method: 'GET', assign: { balance: '/balance' }, next: 'tell', failure: 'sorry' },
    tell: { verb: 'say', text: 'Your balance is {{balance}}.', next: 'bye' },
    sorry: { verb: 'say', text: 'We cannot look that up now.', next: 'agent' },
    agent: { verb: 'enqueue', queue: 'support', priority: 5 },
    bye: { verb: 'hangup' },
  },
};
