// An agent's state machine (CONVENTIONS.md §8). The state follows from what the agent holds:
// active work makes it on-call, a pending offer reserved, a wrap-up not yet ended wrap-up; with
// nothing held it takes its "next state" (a break or log-out asked for while busy) or becomes
// available. settle() computes that and makes the one move, which MOVES must allow.
//
//   logged-out ──login──▶ available ──offer──▶ reserved ──answer──▶ on-call ──end──▶ wrap-up
//      ▲  ▲                 ▲  │  ▲               │                    │               │
//      │  │                 │  ▼  └──missed/cancelled──┘              (no wrap-up)       │
//      │  └──logout──── break ◀── N missed / next state ───────────────┴─────────────────┘
//      └──────────────── logout from any state (offers withdrawn; a call in progress ends first)
import type { AgentConfig, Channel } from './types.js';

export enum AgentState {
  LoggedOut = 'logged-out',
  Available = 'available',
  Reserved = 'reserved',
  OnCall = 'on-call',
  WrapUp = 'wrap-up',
  Break = 'break',
}

export const AGENT_MOVES: Record<AgentState, readonly AgentState[]> = {
  [AgentState.LoggedOut]: [AgentState.Available, AgentState.Break],
  [AgentState.Available]: [AgentState.Reserved, AgentState.OnCall, AgentState.Break, AgentState.LoggedOut],
  [AgentState.Reserved]: [AgentState.Available, AgentState.OnCall, AgentState.Break, AgentState.LoggedOut],
  [AgentState.OnCall]: [AgentState.WrapUp, AgentState.Available, AgentState.Reserved, AgentState.Break, AgentState.LoggedOut],
  [AgentState.WrapUp]: [AgentState.Available, AgentState.Reserved, AgentState.OnCall, AgentState.Break, AgentState.LoggedOut],
  [AgentState.Break]: [AgentState.Available, AgentState.LoggedOut],
};

/** what the agent becomes once nothing holds it */
export type NextState = { readonly state: AgentState.Break; readonly reason: string } | { readonly state: AgentState.LoggedOut } | null;

export interface WrapUp {
  readonly interactionId: string;
  readonly mode: 'optional' | 'mandatory' | 'mandatory-timeout';
  readonly codes: readonly string[];
  /** when it ends by itself (optional, mandatory-timeout) */
  readonly until: number | null;
}

export class Agent {
  config: AgentConfig;
  #state = AgentState.LoggedOut;
  #since: number;
  breakReason: string | null = null;
  next: NextState = null;
  /** offer id → channel, for offers ringing this agent */
  readonly offers = new Map<string, Channel>();
  /** interaction id → channel, for work in progress */
  readonly work = new Map<string, Channel>();
  wrapUp: WrapUp | null = null;
  loginAt = 0;
  idleSince = 0;
  calls = 0;
  talkMs = 0;
  missedInRow = 0;
  /** how long the state left last lasted (ms) */
  lastSpanMs = 0;
  /** ms spent in each state since login (occupancy) */
  readonly stateMs: Record<AgentState, number> = { 'logged-out': 0, available: 0, reserved: 0, 'on-call': 0, 'wrap-up': 0, break: 0 };

  constructor(config: AgentConfig, now: number) {
    this.config = config;
    this.#since = now;
  }

  get state(): AgentState {
    return this.#state;
  }

  get since(): number {
    return this.#since;
  }

  get loggedIn(): boolean {
    return this.#state !== AgentState.LoggedOut;
  }

  capacity(channel: Channel): number {
    return this.config.capacity[channel] ?? (channel === 'call' ? 1 : 0);
  }

  load(channel: Channel): number {
    let n = 0;
    for (const c of this.offers.values()) if (c === channel) n++;
    for (const c of this.work.values()) if (c === channel) n++;
    return n;
  }

  /** may be offered an interaction of `channel` now: a call only when free; more chats while under capacity and on no call */
  eligible(channel: Channel): boolean {
    if (this.next !== null || this.load(channel) >= this.capacity(channel)) return false;
    if (this.#state === AgentState.Available) return true;
    if (channel === 'call' || (this.#state !== AgentState.Reserved && this.#state !== AgentState.OnCall)) return false;
    return this.load('call') === 0;
  }

  /** the one move: refused (throws) when the table does not allow it, which is a bug in the engine */
  moveTo(to: AgentState, now: number): { from: AgentState; to: AgentState } | null {
    const from = this.#state;
    if (from === to) return null;
    if (!AGENT_MOVES[from].includes(to)) throw new Error(`agent ${this.config.id}: ${from} → ${to} is not a move`);
    this.lastSpanMs = now - this.#since;
    this.stateMs[from] += this.lastSpanMs;
    this.#state = to;
    this.#since = now;
    if (to === AgentState.Available) this.idleSince = now;
    if (to !== AgentState.Break) this.breakReason = null;
    return { from, to };
  }

  /** the state that what the agent holds now calls for (logged-out and break stay until changed) */
  settled(): AgentState {
    if (this.work.size > 0) return AgentState.OnCall;
    if (this.offers.size > 0) return AgentState.Reserved;
    if (this.wrapUp !== null) return AgentState.WrapUp;
    if (this.next !== null) return this.next.state;
    if (this.#state === AgentState.LoggedOut || this.#state === AgentState.Break) return this.#state;
    return AgentState.Available;
  }
}
