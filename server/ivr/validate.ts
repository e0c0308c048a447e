// A flow document is refused (400) with the exact place of each problem, as a JSON pointer
// (RFC 6901) into the document: what the schema refuses, a reference to a node or queue that does
// not exist, a node the start cannot reach, and a loop the caller could never leave because no
// node on it waits for input (the flow would spin without end on a live call).
import type { z } from 'zod';
import { FlowDocument, INPUT_VERBS, type FlowNode } from './flow-schema.js';

export interface FlowProblem {
  /** RFC 6901 JSON pointer into the submitted document ('' is the whole document) */
  readonly pointer: string;
  readonly code: 'schema' | 'missing-node' | 'missing-queue' | 'missing-flow' | 'missing-calendar' | 'missing-extension' | 'unreachable' | 'loop-without-input';
  readonly message: string;
}

export interface FlowChecks {
  /** absent: queue names are not checked */
  readonly isQueue?: (id: string) => boolean;
  readonly flowExists?: (id: number) => Promise<boolean>;
  readonly calendarExists?: (id: number) => Promise<boolean>;
  /** absent: extension numbers (voicemail mailboxes, transfers) are not checked */
  readonly extensionExists?: (number: string) => Promise<boolean>;
}

/** RFC 6901 §3: '~' is written '~0' and '/' '~1' in a reference token */
export const pointer = (path: readonly PropertyKey[]): string => path.map((p) => '/' + String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('');

/** every node id a node leads to, with the pointer (below the node) of the field naming it */
export function edgesOf(node: FlowNode): { readonly at: readonly (string | number)[]; readonly to: string }[] {
  const e: { at: (string | number)[]; to: string }[] = [];
  const add = (at: (string | number)[], to: string | undefined) => void (to !== undefined && e.push({ at, to }));
  switch (node.verb) {
    case 'answer':
    case 'play':
    case 'say':
    case 'set':
    case 'record':
      add(['next'], node.next);
      break;
    case 'gather':
      add(['next'], node.next);
      add(['failure'], node.failure);
      break;
    case 'http':
      add(['next'], node.next);
      add(['failure'], node.failure);
      break;
    case 'menu':
      for (const [k, to] of Object.entries(node.choices)) add(['choices', k], to);
      add(['failure'], node.failure);
      break;
    case 'intent':
      node.intents.forEach((i, n) => add(['intents', n, 'next'], i.next));
      add(['noMatch'], node.noMatch);
      break;
    case 'condition':
      node.branches.forEach((b, n) => add(['branches', n, 'next'], b.next));
      add(['else'], node.else);
      break;
    case 'enqueue':
    case 'transfer':
    case 'voicemail':
    case 'hangup':
      break;
  }
  return e;
}

function schemaProblems(error: z.ZodError): FlowProblem[] {
  return error.issues.map((i) => ({ pointer: pointer(i.path), code: 'schema', message: i.message }));
}

/** Tarjan's strongly connected components over the node graph (iterative: 500 nodes deep is fine either way) */
function components(ids: readonly string[], next: (id: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  let n = 0;
  const visit = (v: string): void => {
    index.set(v, n);
    low.set(v, n++);
    stack.push(v);
    on.add(v);
    for (const w of next(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        c.push(w);
      } while (w !== v);
      out.push(c);
    }
  };
  for (const id of ids) if (!index.has(id)) visit(id);
  return out;
}

/** the graph checks on a document the schema accepted */
export async function graphProblems(doc: FlowDocument, checks: FlowChecks): Promise<FlowProblem[]> {
  const problems: FlowProblem[] = [];
  const ids = Object.keys(doc.nodes);
  const known = new Set(ids);
  if (!known.has(doc.start)) problems.push({ pointer: '/start', code: 'missing-node', message: `no node '${doc.start}'` });
  const next = (id: string): string[] => edgesOf(doc.nodes[id]!).map((e) => e.to).filter((to) => known.has(to));
  for (const id of ids) {
    const node = doc.nodes[id]!;
    for (const e of edgesOf(node)) if (!known.has(e.to)) problems.push({ pointer: pointer(['nodes', id, ...e.at]), code: 'missing-node', message: `no node '${e.to}'` });
    if (node.verb === 'enqueue' && checks.isQueue && !checks.isQueue(node.queue)) problems.push({ pointer: pointer(['nodes', id, 'queue']), code: 'missing-queue', message: `no queue '${node.queue}'` });
    if (node.verb === 'transfer' && 'flow' in node.to && checks.flowExists && !(await checks.flowExists(node.to.flow)))
      problems.push({ pointer: pointer(['nodes', id, 'to', 'flow']), code: 'missing-flow', message: `no flow ${node.to.flow}` });
    if (node.verb === 'voicemail' && checks.extensionExists && !(await checks.extensionExists(node.mailbox)))
      problems.push({ pointer: pointer(['nodes', id, 'mailbox']), code: 'missing-extension', message: `no extension ${node.mailbox}` });
    if (node.verb === 'condition' && checks.calendarExists)
      for (const [n, b] of node.branches.entries())
        if ('calendar' in b.when && !(await checks.calendarExists(b.when.calendar)))
          problems.push({ pointer: pointer(['nodes', id, 'branches', n, 'when', 'calendar']), code: 'missing-calendar', message: `no calendar ${b.when.calendar}` });
  }
  if (doc.fallback && 'queue' in doc.fallback && checks.isQueue && !checks.isQueue(doc.fallback.queue))
    problems.push({ pointer: '/fallback/queue', code: 'missing-queue', message: `no queue '${doc.fallback.queue}'` });
  // reachability from the start
  const seen = new Set<string>();
  const todo = known.has(doc.start) ? [doc.start] : [];
  while (todo.length > 0) {
    const v = todo.pop()!;
    if (seen.has(v)) continue;
    seen.add(v);
    todo.push(...next(v));
  }
  for (const id of ids) if (!seen.has(id)) problems.push({ pointer: pointer(['nodes', id]), code: 'unreachable', message: `node '${id}' cannot be reached from '${doc.start}'` });
  // a cycle (a component of two or more nodes, or a node leading to itself) with no node that waits
  for (const c of components(ids, next)) {
    const cyclic = c.length > 1 || next(c[0]!).includes(c[0]!);
    if (!cyclic || c.some((id) => INPUT_VERBS.has(doc.nodes[id]!.verb))) continue;
    const first = [...c].sort()[0]!;
    problems.push({ pointer: pointer(['nodes', first]), code: 'loop-without-input', message: `the loop ${[...c].sort().join(' → ')} waits for no input` });
  }
  return problems;
}

export type FlowValidation = { readonly ok: true; readonly flow: FlowDocument } | { readonly ok: false; readonly problems: readonly FlowProblem[] };

/** `sensitive` on a step that takes no input from the caller: refused at the field itself */
function sensitiveProblems(document: unknown): FlowProblem[] {
  const nodes = (document as { nodes?: unknown } | null)?.nodes;
  if (typeof nodes !== 'object' || nodes === null) return [];
  const out: FlowProblem[] = [];
  for (const [id, node] of Object.entries(nodes as Record<string, unknown>)) {
    if (typeof node !== 'object' || node === null || !('sensitive' in node)) continue;
    const verb = (node as { verb?: unknown }).verb;
    if (typeof verb === 'string' && INPUT_VERBS.has(verb as FlowNode['verb'])) continue;
    out.push({ pointer: pointer(['nodes', id, 'sensitive']), code: 'schema', message: `sensitive: only a step that takes the caller's input (${[...INPUT_VERBS].join(', ')}) can be sensitive, not '${String(verb)}'` });
  }
  return out;
}

/** the schema, then the graph: every problem found, each at its place */
export async function validateFlow(o: { readonly document: unknown; readonly checks?: FlowChecks }): Promise<FlowValidation> {
  const parsed = FlowDocument.safeParse(o.document);
  if (!parsed.success) {
    const misplaced = sensitiveProblems(o.document);
    // the schema's "unrecognized key" for those says less than ours, at the node instead of the field
    const at = new Set(misplaced.map((p) => p.pointer.replace(/\/sensitive$/, '')));
    const rest = schemaProblems(parsed.error).filter((p) => !(at.has(p.pointer) && /sensitive/.test(p.message)));
    return { ok: false, problems: [...misplaced, ...rest] };
  }
  const problems = await graphProblems(parsed.data, o.checks ?? {});
  return problems.length === 0 ? { ok: true, flow: parsed.data } : { ok: false, problems };
}
