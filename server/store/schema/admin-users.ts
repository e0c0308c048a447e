// Admin API accounts. Passwords are stored only as argon2id hashes (PHC strings).
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const adminRoles = ['admin', 'supervisor', 'agent'] as const;
export type AdminRole = (typeof adminRoles)[number];

export const adminUsers = sqliteTable('admin_users', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: adminRoles }).notNull().default('admin'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export type AdminUserRow = typeof adminUsers.$inferSelect;
