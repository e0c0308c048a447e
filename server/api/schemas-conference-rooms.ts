// /api/v1/conference-rooms: a room's settings (PINs, wait for moderator). PINs are written, never
// read back: the views say hasPin / hasModeratorPin.
import { z } from 'zod';

const roomNumber = z.string({ error: 'room: the room number dialled' }).regex(/^[0-9*#+]{1,32}$/, 'room: a room number is 1–32 of 0-9 * # +');

export const ConferenceRoomParams = z.object({ room: roomNumber });

const pin = (field: string) =>
  z
    .string({ error: `${field}: 4–12 digits, or null for none` })
    .regex(/^[0-9]{4,12}$/, `${field}: 4–12 digits`)
    .nullable()
    .optional();

/** absent: unchanged (a new room: none); null: removed */
export const ConferenceRoomSpec = z.strictObject({
  name: z.string({ error: 'name: text or null' }).trim().max(80, 'name: at most 80 characters').nullable().optional(),
  participantPin: pin('participantPin').meta({ description: 'what participants key, then #; null: no PIN; absent: unchanged' }),
  moderatorPin: pin('moderatorPin').meta({ description: 'what a moderator keys, then #, instead; null: no moderator; absent: unchanged' }),
  waitForModerator: z.boolean({ error: 'waitForModerator: true or false' }).optional().meta({ description: 'participants hear music on hold, and nobody, until a moderator is in the room (needs a moderator PIN)' }),
});

export const ConferenceRoomCreate = ConferenceRoomSpec.extend({ room: roomNumber.meta({ description: 'the room number dialled (a conference destination or one of HAILING_CONFERENCE_NUMBERS)' }) });

export const ConferenceRoomSettingsView = z.object({
  room: z.string(),
  name: z.string().nullable(),
  hasPin: z.boolean().meta({ description: 'participants key a PIN to join' }),
  hasModeratorPin: z.boolean(),
  waitForModerator: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const ConferenceRoomSettingsList = z.object({ items: z.array(ConferenceRoomSettingsView) });
