// Voicemail shapes: a mailbox's settings (never its PIN, only whether one is set) and its messages.
import { z } from 'zod';
import { GREETING_KINDS } from '../store/index.js';

export const Mailbox = z.object({
  number: z.string(),
  enabled: z.boolean(),
  hasPin: z.boolean().meta({ description: 'a PIN is set (retrieval by phone needs one); the PIN itself is stored only as a hash' }),
  hasGreeting: z.boolean().meta({ description: 'the unavailable (general) greeting was uploaded or recorded; otherwise callers hear a spoken default' }),
  greetings: z
    .object({ unavailable: z.boolean(), busy: z.boolean(), temporary: z.boolean() })
    .meta({ description: 'which greetings are set: a busy caller hears the busy one, others the unavailable one, and the temporary one overrides both while set; a missing one falls back to the unavailable one, then the spoken default' }),
  maxMessageS: z.number().int(),
  email: z.string().nullable(),
  emailAttachAudio: z.boolean(),
  newMessages: z.number().int(),
  oldMessages: z.number().int(),
});
export const MailboxList = z.object({ items: z.array(Mailbox) });

export const MailboxWrite = z.strictObject({
  enabled: z.boolean().optional(),
  pin: z.string().regex(/^[0-9]{4,12}$/, 'a PIN is 4 to 12 digits').optional().meta({ description: 'sets (or resets) the PIN' }),
  maxMessageS: z.number().int().min(10).max(600).optional(),
  email: z.email().max(254).nullable().optional(),
  emailAttachAudio: z.boolean().optional(),
});

export const GreetingQuery = z.object({
  kind: z.enum(GREETING_KINDS).default('unavailable').meta({ description: 'which greeting: unavailable (no answer, no phone; the default), busy, or temporary (overrides both while set)' }),
});

export const VoicemailMessage = z.object({
  id: z.string(),
  mailbox: z.string(),
  caller: z.string(),
  callerName: z.string().nullable(),
  callId: z.string(),
  createdAt: z.iso.datetime(),
  durationMs: z.number().int(),
  read: z.boolean(),
  readAt: z.iso.datetime().nullable(),
});
export const VoicemailMessageList = z.object({ items: z.array(VoicemailMessage) });
export const VoicemailMessageParams = z.object({ id: z.uuid() });
export const VoicemailMessagePatch = z.strictObject({ read: z.boolean() });

/** Busy-lamp state (RFC 4235 dialog states) of the extensions on a call now, as phones' BLF keys see it. */
export const LineState = z.object({
  extension: z.string(),
  state: z.enum(['trying', 'proceeding', 'early', 'confirmed', 'terminated']),
  remote: z.string().meta({ description: 'the other party (the caller while it rings)' }),
});
export const LineStateList = z.object({ items: z.array(LineState) });
