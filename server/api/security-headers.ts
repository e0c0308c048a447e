// Response headers that keep a browser from turning the API or the console (served later from this
// same origin) against its user: a strict Content-Security-Policy (W3C CSP Level 3) with
// frame-ancestors 'none' against clickjacking, nosniff (Fetch §X-Content-Type-Options), no
// Referer leaving the origin (W3C Referrer Policy), and HSTS (RFC 6797) only when the console is
// served over TLS: RFC 6797 §7.2 says a host MUST NOT send it over plain HTTP.
import type { MiddlewareHandler } from 'hono';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "base-uri 'none'",
  "object-src 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** one year, the value hstspreload.org asks for */
const HSTS = 'max-age=31536000; includeSubDomains';

export function securityHeaders(options: { readonly https: boolean }): MiddlewareHandler {
  return async (c, next) => {
    await next();
    // the console's index.html brings its own, stricter-where-it-matters policy (server/api/console.ts)
    if (!c.res.headers.has('Content-Security-Policy')) c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    // for browsers without CSP Level 2 frame-ancestors
    c.header('X-Frame-Options', 'DENY');
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    if (options.https) c.header('Strict-Transport-Security', HSTS);
  };
}
