// JSON error bodies and request parsing that turns bad input into 400s with reasons, never throws.
import type { Context } from 'hono';
import type { z } from 'zod';

export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; response: Response };

export function jsonError(c: Context, status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 503, body: object): Response {
  return c.json(body, status);
}

export function issuesOf(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

export function validationFailed(c: Context, error: z.ZodError): Response {
  return jsonError(c, 400, { error: 'validation failed', issues: issuesOf(error) });
}

export function validate<S extends z.ZodType>(c: Context, schema: S, input: unknown): Parsed<z.output<S>> {
  const r = schema.safeParse(input);
  return r.success ? { ok: true, value: r.data } : { ok: false, response: validationFailed(c, r.error) };
}

/** Reads a JSON body: 415 for another media type, 400 naming the syntax error for malformed JSON. */
export async function readJson(c: Context): Promise<Parsed<unknown>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    return { ok: false, response: jsonError(c, 415, { error: 'unsupported media type', reason: 'expected application/json' }) };
  }
  let text: string;
  try {
    text = await c.req.text();
  } catch {
    return { ok: false, response: jsonError(c, 400, { error: 'malformed JSON body', reason: 'body could not be read' }) };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const reason = err instanceof SyntaxError ? err.message : 'invalid JSON';
    return { ok: false, response: jsonError(c, 400, { error: 'malformed JSON body', reason }) };
  }
}

export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<Parsed<z.output<S>>> {
  const raw = await readJson(c);
  return raw.ok ? validate(c, schema, raw.value) : raw;
}

/** The TCP peer address when served by @hono/node-server; undefined under app.request(). */
export function remoteAddress(c: Context): string | undefined {
  const env: unknown = c.env;
  if (typeof env !== 'object' || env === null) return undefined;
  const incoming: unknown = (env as { incoming?: unknown }).incoming;
  if (typeof incoming !== 'object' || incoming === null) return undefined;
  const socket: unknown = (incoming as { socket?: unknown }).socket;
  if (typeof socket !== 'object' || socket === null) return undefined;
  const addr: unknown = (socket as { remoteAddress?: unknown }).remoteAddress;
  return typeof addr === 'string' ? addr : undefined;
}

export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}
