// Self-service figures per flow and per node, counted from the flow's runs on real calls:
// entered; contained (the flow ended the call itself: the routine query handled without an agent);
// transferred (to a queue, an extension, a number or another flow, by choice or after failures);
// abandoned (the caller hung up in the flow); failures by node. Containment rate = contained /
// entered, the figure self-service is judged by.

export interface RunLike {
  readonly outcome: string;
  readonly path: readonly string[];
  readonly failuresByNode: Readonly<Record<string, number>>;
}

export interface NodeFigures {
  readonly entered: number;
  readonly failures: number;
  /** runs that ended at this node by the caller hanging up */
  readonly abandoned: number;
}

export interface FlowFigures {
  readonly entered: number;
  readonly contained: number;
  readonly transferred: number;
  readonly fallback: number;
  readonly abandoned: number;
  /** contained / entered; null with no runs */
  readonly containmentRate: number | null;
  readonly nodes: Readonly<Record<string, NodeFigures>>;
}

export function flowFigures(runs: readonly RunLike[]): FlowFigures {
  let contained = 0;
  let transferred = 0;
  let fallback = 0;
  let abandoned = 0;
  const nodes: Record<string, { entered: number; failures: number; abandoned: number }> = {};
  const node = (id: string) => (nodes[id] ??= { entered: 0, failures: 0, abandoned: 0 });
  for (const r of runs) {
    if (r.outcome === 'completed') contained++;
    else if (r.outcome === 'abandoned') abandoned++;
    else {
      transferred++;
      if (r.outcome === 'fallback') fallback++;
    }
    // a node visited again (a menu repeated) counts once per run: "how many callers reached it"
    for (const id of new Set(r.path)) node(id).entered++;
    for (const [id, n] of Object.entries(r.failuresByNode)) node(id).failures += n;
    const last = r.path.at(-1);
    if (r.outcome === 'abandoned' && last !== undefined) node(last).abandoned++;
  }
  return { entered: runs.length, contained, transferred, fallback, abandoned, containmentRate: runs.length === 0 ? null : contained / runs.length, nodes };
}
