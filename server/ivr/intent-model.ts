// An OpenAI-compatible chat/completions endpoint (a local LLM server the admin configures) asked to
// classify an utterance into one of the flow's intents. Its reply must be a JSON object
// {"intent": name|null, "confidence": 0..1}; anything else (no reply in time, a status that is not
// 2xx, text that is not that object, an intent the flow does not have) is an error, and the
// intent step falls back to its rule match.

export interface IntentModelRequest {
  readonly utterance: string;
  readonly intents: readonly { readonly name: string; readonly phrases: readonly string[] }[];
  readonly timeoutMs: number;
}

export type IntentModelReply = { readonly ok: true; readonly intent: string | null; readonly confidence: number } | { readonly ok: false; readonly error: string };

export interface IntentModel {
  classify(req: IntentModelRequest): Promise<IntentModelReply>;
}

export interface ChatIntentModelOptions {
  /** the full chat/completions URL, e.g. http://127.0.0.1:8080/v1/chat/completions */
  readonly url: string;
  readonly model: string;
  /** sent as a bearer token when set */
  readonly apiKey?: string;
  readonly fetch: typeof fetch;
}

const SYSTEM =
  'You classify a caller utterance into one of the listed intents. Answer with one JSON object only: ' +
  '{"intent": "<name or null>", "confidence": <number 0..1>}.';

export function chatIntentModel(o: ChatIntentModelOptions): IntentModel {
  return {
    async classify(req) {
      const listing = req.intents.map((i) => `- ${i.name}: ${i.phrases.slice(0, 5).join('; ')}`).join('\n');
      let res: Response;
      try {
        res = await o.fetch(o.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}) },
          body: JSON.stringify({
            model: o.model,
            temperature: 0,
            messages: [
              { role: 'system', content: SYSTEM },
              { role: 'user', content: `Intents:\n${listing}\n\nUtterance: ${req.utterance}` },
            ],
          }),
          signal: AbortSignal.timeout(req.timeoutMs),
        });
      } catch (err) {
        const name = (err as Error).name;
        return { ok: false, error: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : `request failed: ${(err as Error).message}` };
      }
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        return { ok: false, error: res.ok ? 'malformed reply: not JSON' : `HTTP ${res.status}` };
      }
      if (!res.ok) return { ok: false, error: `HTTP ${res.status}` };
      const content = (body as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
      if (typeof content !== 'string') return { ok: false, error: 'malformed reply: no choices[0].message.content' };
      // models wrap JSON in prose or code fences: the first {...} is the answer
      const json = /\{[\s\S]*\}/.exec(content)?.[0];
      let parsed: { intent?: unknown; confidence?: unknown };
      try {
        parsed = JSON.parse(json ?? '') as typeof parsed;
      } catch {
        return { ok: false, error: 'malformed reply: content is not a JSON object' };
      }
      const intent = parsed.intent === null ? null : typeof parsed.intent === 'string' ? parsed.intent : undefined;
      const confidence = typeof parsed.confidence === 'number' && parsed.confidence >= 0 && parsed.confidence <= 1 ? parsed.confidence : undefined;
      if (intent === undefined || confidence === undefined) return { ok: false, error: 'malformed reply: intent or confidence missing' };
      if (intent !== null && !req.intents.some((i) => i.name === intent)) return { ok: false, error: `malformed reply: unknown intent '${intent}'` };
      return { ok: true, intent, confidence };
    },
  };
}
