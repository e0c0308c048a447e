// The console's only way to the server: fetch with the session cookie, typed by the generated
// OpenAPI schema (schema.d.ts). 401 means the session is gone: the app returns to sign-in and
// remembers the page; 403 with `mustChangePassword` sends the user to the forced password change.
import type { paths } from './schema';

export type ApiPath = keyof paths;

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Ok<O> = O extends { responses: infer Rs } ? (200 extends keyof Rs ? JsonOf<Rs[200]> : 201 extends keyof Rs ? JsonOf<Rs[201]> : never) : never;
type BodyOf<O> = O extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;

/** the JSON body of a 200/201 answer to `method path` */
export type Response<P extends ApiPath, M extends keyof paths[P]> = Ok<paths[P][M]>;
/** the JSON body `method path` accepts */
export type RequestBody<P extends ApiPath, M extends keyof paths[P]> = BodyOf<paths[P][M]>;

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/** An answer other than 2xx, with what the server said about it. */
export class ApiError extends Error {
  readonly status: number;
  readonly reason: string | undefined;
  readonly issues: readonly FieldIssue[];
  readonly retryAfterS: number | undefined;
  constructor(o: { status: number; body: unknown; retryAfter: string | null }) {
    const b = (typeof o.body === 'object' && o.body !== null ? o.body : {}) as {
      error?: string;
      reason?: string;
      field?: string;
      issues?: FieldIssue[];
    };
    super(b.error ?? `HTTP ${o.status}`);
    this.status = o.status;
    this.reason = b.reason;
    const issues = Array.isArray(b.issues) ? b.issues : [];
    this.issues = b.field !== undefined ? [...issues, { path: b.field, message: b.reason ?? b.error ?? '' }] : issues;
    const after = o.retryAfter === null ? NaN : Number(o.retryAfter);
    this.retryAfterS = Number.isFinite(after) ? after : undefined;
  }
  /** what to show a person: the reason when there is one */
  get text(): string {
    return this.reason ?? this.message;
  }
}

type SessionListener = (kind: 'expired' | 'must-change-password') => void;
const listeners = new Set<SessionListener>();

/** The app's shell listens here to go to sign-in or to the password change. */
export function onSessionProblem(listener: SessionListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly body?: unknown;
  /** a file sent as the body as is (uploads), instead of JSON */
  readonly upload?: { readonly file: Blob; readonly type: string };
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** sign-in itself: a 401 is wrong credentials, not an expired session */
  readonly anonymous?: boolean;
}

export function withQuery(url: string, query: RequestOptions['query']): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${url}?${s}` : url;
}

export async function request<T>(url: string, options: RequestOptions = {}): Promise<T> {
  const init: RequestInit = { method: options.method ?? 'GET', credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (options.upload !== undefined) {
    init.headers = { ...init.headers, 'Content-Type': options.upload.type };
    init.body = options.upload.file;
  } else if (options.body !== undefined) {
    init.headers = { ...init.headers, 'Content-Type': 'application/json' };
    init.body = JSON.stringify(options.body);
  }
  const res = await fetch(withQuery(url, options.query), init);
  const text = await res.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  if (!res.ok) {
    const error = new ApiError({ status: res.status, body, retryAfter: res.headers.get('retry-after') });
    if (res.status === 401 && !options.anonymous) listeners.forEach((l) => l('expired'));
    if (res.status === 403 && (body as { mustChangePassword?: boolean } | undefined)?.mustChangePassword) {
      listeners.forEach((l) => l('must-change-password'));
    }
    throw error;
  }
  return body as T;
}
