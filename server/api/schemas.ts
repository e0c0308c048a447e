// Request and response shapes. The same zod schemas validate requests and produce the OpenAPI document.
import { z } from 'zod';

export const ErrorBody = z.object({ error: z.string(), reason: z.string().optional() });
export const ValidationErrorBody = z.object({
  error: z.literal('validation failed'),
  issues: z.array(z.object({ path: z.string(), message: z.string() })),
});

export const LoginRequest = z.strictObject({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(1024),
});
export const LoginResponse = z.object({ token: z.string(), expiresAt: z.iso.datetime() });

export const ExtensionNumber = z.string().regex(/^[0-9]{2,15}$/, 'extension number must be 2 to 15 digits');
export const ExtensionPassword = z.string().min(8, 'password must be at least 8 characters').max(128);
export const DisplayName = z.string().trim().min(1).max(100);

export const Extension = z.object({
  number: ExtensionNumber,
  displayName: z.string().nullable(),
  realm: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const ExtensionCreate = z.strictObject({
  number: ExtensionNumber,
  password: ExtensionPassword,
  displayName: DisplayName.optional(),
});

export const ExtensionPatch = z
  .strictObject({ password: ExtensionPassword.optional(), displayName: DisplayName.nullable().optional() })
  .refine((v) => v.password !== undefined || v.displayName !== undefined, {
    message: 'nothing to change: give password and/or displayName',
  });

export const ExtensionParams = z.object({ number: ExtensionNumber });

export const Pagination = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const ExtensionList = z.object({
  items: z.array(Extension),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const Registration = z.object({
  aor: z.string(),
  contact: z.string(),
  transport: z.string(),
  sourceAddress: z.string(),
  sourcePort: z.number().int(),
  userAgent: z.string().optional(),
  expiresAt: z.iso.datetime(),
  expiresIn: z.number(),
});
export const RegistrationList = z.object({ items: z.array(Registration) });

export const Health = z.object({ status: z.string() });
