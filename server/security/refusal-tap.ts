// Tells admission control (admission.ts) which sources present credentials that get refused. It
// wraps a request handler: when a request carried Authorization or Proxy-Authorization and the
// handler answers it 401 or 407 (RFC 3261 §22.2, §22.3), its source is reported, whatever the
// reason (wrong password, a nonce we never issued, a replay), so the reasons the ban count leaves
// out still slow a guessing source down. Requests without credentials pass straight through.
import type { IncomingRequest, RequestHandler } from '../sip/stack/types.js';

const CREDENTIALS = new Set(['authorization', 'proxy-authorization']);

function carriesCredentials(request: IncomingRequest): boolean {
  const headers = request.message.headers;
  for (let i = 0; i < headers.length; i++) {
    const name = headers[i]!.name;
    if ((name.length === 13 || name.length === 19) && CREDENTIALS.has(name.toLowerCase())) return true;
  }
  return false;
}

export function tapRefusals(options: { readonly handler: RequestHandler; readonly refused: (source: string) => void }): RequestHandler {
  const { handler, refused } = options;
  return (request) => {
    if (!carriesCredentials(request)) return handler(request);
    const source = request.flow.remote.address;
    const watched: IncomingRequest = {
      message: request.message,
      flow: request.flow,
      source: request.source,
      reply(reply) {
        if (reply.status === 401 || reply.status === 407) refused(source);
        request.reply(reply);
      },
      ...(request.onCancel ? { onCancel: (listener: () => void) => request.onCancel?.(listener) } : {}),
      ...(request.toTag ? { toTag: () => request.toTag?.() } : {}),
    };
    return handler(watched);
  };
}
