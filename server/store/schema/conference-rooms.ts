// Conference room settings (issue 12/16): a room number dialled (a 'conference' destination, or one
// of HAILING_CONFERENCE_NUMBERS) may ask callers for a PIN before they join, and a moderator PIN
// that makes the caller the room's moderator; with waitForModerator, participants hear music on hold
// until a moderator is there. A room without a row is open to anyone who dials it. PINs are kept as
// hashes (store/credentials hashPassword, as voicemail PINs), never the digits.
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const conferenceRooms = sqliteTable('conference_rooms', {
  /** the number dialled */
  room: text('room').primaryKey(),
  name: text('name'),
  /** null: participants join without a PIN */
  participantPinHash: text('participant_pin_hash'),
  /** null: nobody joins as moderator */
  moderatorPinHash: text('moderator_pin_hash'),
  waitForModerator: integer('wait_for_moderator', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export type ConferenceRoomRow = typeof conferenceRooms.$inferSelect;
