// /api/v1/calls: calls in progress and their control (issue 12).
import { z } from 'zod';

export const LiveCallParams = z.object({ id: z.uuid() });
export const LiveCall = z.object({
  id: z.string(),
  caller: z.string(),
  callerName: z.string().nullable(),
  callee: z.string(),
  state: z.enum(['routing', 'ringing', 'answered', 'answered-locally', 'bridging', 'bridged', 'held', 'ended']),
  startedAt: z.string().meta({ description: 'ISO 8601' }),
  held: z.boolean().meta({ description: 'Hailing holds the call: both parties hear music on hold' }),
  holding: z.array(z.enum(['caller', 'callee'])).meta({ description: 'parties that put the other on hold from their phone' }),
  recording: z.boolean(),
  recordingPaused: z.boolean(),
});
export const LiveCallList = z.object({ items: z.array(LiveCall) });
export const TransferRequest = z.strictObject({
  target: z
    .string()
    .regex(/^[0-9*#+]{1,32}$/)
    .meta({ description: 'the number the caller goes to, resolved through the dial plan with the caller’s permissions' }),
});
export const JoinRequest = z.strictObject({
  call: z.uuid().meta({ description: 'the other call in progress: the party both calls have in common (an agent, a phone holding one call while on the other) is released and the two other parties talk' }),
});
export const TransferAccepted = z.object({ callId: z.string(), target: z.string() });
export const DtmfRequest = z.strictObject({
  digits: z.string().regex(/^[0-9*#A-Da-d]{1,32}$/),
  to: z.enum(['caller', 'callee']).default('callee'),
  durationMs: z.number().int().min(40).max(2000).optional(),
});
export const CallAction = z.object({ callId: z.string(), action: z.string() });

// /api/v1/conferences: the rooms open now and their members (conference moderation).
export const ConferenceMemberParams = z.object({ room: z.string().regex(/^[0-9*#+]{1,32}$/), callId: z.uuid() });
export const ConferenceMember = z.object({
  callId: z.string().meta({ description: 'the member\'s call (GET /api/v1/calls lists it too)' }),
  number: z.string().meta({ description: 'the calling number' }),
  name: z.string().nullable(),
  joinedAt: z.string().meta({ description: 'ISO 8601' }),
  muted: z.boolean().meta({ description: 'heard by nobody; still hears the room' }),
  moderator: z.boolean().meta({ description: 'joined with the moderator PIN' }),
  waiting: z.boolean().meta({ description: 'waiting for a moderator: hears music on hold, heard by nobody' }),
});
export const ConferenceRoomView = z.object({
  room: z.string().meta({ description: 'the room number dialled' }),
  locked: z.boolean().meta({ description: "locked by a moderator's key: new participants are refused" }),
  members: z.array(ConferenceMember),
});
export const ConferenceList = z.object({ items: z.array(ConferenceRoomView) });
export const MuteRequest = z.strictObject({ muted: z.boolean() });
export const ConferenceAction = z.object({ room: z.string(), callId: z.string(), action: z.enum(['mute', 'unmute', 'kick']) });
