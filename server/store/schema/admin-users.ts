// Admin API accounts. Passwords are stored only as argon2id hashes (PHC strings).
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const adminRoles = ['admin', 'supervisor', 'agent'] as const;
export type AdminRole = (typeof adminRoles)[number];

export const adminUsers = sqliteTable('admin_users', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: adminRoles }).notNull().default('admin'),
  /** the password was generated (the one-time admin password): nothing but the change is allowed */
  mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export type AdminUserRow = typeof adminUsers.$inferSelect;
