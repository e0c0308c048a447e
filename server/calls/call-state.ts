// The states of an anchored Call and the moves between them (CONVENTIONS.md §8: one table, one
// transition() in Call that refuses anything else).
//
//   Routing ──dial──▶ Ringing ──2xx──▶ Answered ──BYE / media timeout──────────────────▶ Ended
//                                          │ transfer (REFER, API) ─▶ AnsweredLocally
//    │  ▲               │                  ▲                                              ▲
//    │  └─step failed───┘  └─picked up (**<ext>) ─▶ Bridged                               │
//    │                                     │                                              │
//    ├──answered here (room, monitor)──────┘                                              │
//    │                                                                                    │
//    └──answer()──▶ AnsweredLocally ──dial──▶ Bridging ──2xx──▶ Bridged ──BYE────────────▶│
//                    (play, ...)  ▲ ▲            │               │  ▲ hold()              │
//                                 │ └step failed─┘               │  ▼ resume()            │
//                                 │                              │ Held ──BYE────────────▶│
//                                 └──unbridge() / callee's BYE───┴──┘                     │
//    CANCEL / last step failed / no answer (before any answer); BYE, hang-up after one ───┘
export enum CallState {
  Routing = 'routing',
  Ringing = 'ringing',
  /** answered by a callee (two-party) or here into a room or a monitor */
  Answered = 'answered',
  /** answered by Hailing itself, the caller's endpoint anchored here: prompts, then a bridge */
  AnsweredLocally = 'answered-locally',
  /** answered locally and an outbound dial rings; the caller keeps its 200 OK and hears ringback */
  Bridging = 'bridging',
  /** answered locally and connected to the callee that answered the dial, endpoint to endpoint */
  Bridged = 'bridged',
  /** bridged, and Hailing holds it: no relay between the parties, each hears a prompt or silence */
  Held = 'held',
  Ended = 'ended',
}

export const MOVES: Record<CallState, readonly CallState[]> = {
  // Routing → Answered: a call Hailing answers itself (conference, monitoring)
  [CallState.Routing]: [CallState.Ringing, CallState.Answered, CallState.AnsweredLocally, CallState.Ended],
  // Ringing → Routing: a dial step failed and the handler chain goes on to its next step
  // Ringing → Bridged: another phone picked the call up (**<ext>), the forks are cancelled
  [CallState.Ringing]: [CallState.Routing, CallState.Answered, CallState.Bridged, CallState.Ended],
  // Answered → AnsweredLocally: a transfer lets the callee go and keeps the caller here for the target
  [CallState.Answered]: [CallState.AnsweredLocally, CallState.Ended],
  [CallState.AnsweredLocally]: [CallState.Bridging, CallState.Ended],
  // Bridging → AnsweredLocally: the outbound dial failed; the caller is still ours to play to
  [CallState.Bridging]: [CallState.AnsweredLocally, CallState.Bridged, CallState.Ended],
  // Bridged → AnsweredLocally: unbridge() or the callee's BYE; the caller stays ours
  [CallState.Bridged]: [CallState.Held, CallState.AnsweredLocally, CallState.Ended],
  [CallState.Held]: [CallState.Bridged, CallState.AnsweredLocally, CallState.Ended],
  [CallState.Ended]: [],
};

/** the caller has its 2xx: the call ends with BYE, not with a final response */
export const ANSWERED_STATES: ReadonlySet<CallState> = new Set([CallState.Answered, CallState.AnsweredLocally, CallState.Bridging, CallState.Bridged, CallState.Held]);
