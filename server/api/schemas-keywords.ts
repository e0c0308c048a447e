// Keyword lists and keyword hits (issues 13 and 16): /api/v1/keyword-lists, /api/v1/keyword-hits,
// GET /api/v1/cdrs/{id}/keyword-hits.
import { z } from 'zod';

export const KeywordListParams = z.object({ id: z.coerce.number().int().min(1, 'id: a keyword list id') });

export const KeywordListSpec = z.object({
  name: z.string({ error: 'name: give the list a name' }).trim().min(1, 'name: give the list a name').max(80, 'name: at most 80 characters'),
  phrases: z
    .array(z.string({ error: 'phrases: each is a word or phrase' }).trim().min(1, 'phrases: a phrase must not be empty').max(100, 'phrases: a phrase is at most 100 characters'), { error: 'phrases: a list of words or phrases' })
    .min(1, 'phrases: give at least one word or phrase')
    .max(200, 'phrases: at most 200 in a list')
    .meta({ description: 'as people say them ("cancel my card", "投诉"); spelled in the live model\'s tokens when a call starts' }),
  numbers: z
    .array(z.string().trim().regex(/^[0-9*#+]{1,32}$/, 'numbers: a number dialled is 1–32 of 0-9 * # +'), { error: 'numbers: a list of numbers dialled' })
    .max(100, 'numbers: at most 100')
    .default([])
    .meta({ description: 'the numbers dialled (extensions, queue or IVR numbers) whose calls it applies to; empty: every call' }),
  enabled: z.boolean({ error: 'enabled: true or false' }).default(true),
});

export const KeywordList = z.object({
  id: z.number().int(),
  name: z.string(),
  phrases: z.array(z.string()),
  numbers: z.array(z.string()),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const KeywordLists = z.object({
  items: z.array(KeywordList),
  spotting: z.boolean().meta({ description: 'whether a live model that spots keywords is loaded (phrases are checked against its tokens when saved)' }),
});

export const KeywordHit = z.object({
  callId: z.string(),
  leg: z.enum(['caller', 'callee']),
  keyword: z.string().meta({ description: 'the phrase as its list had it; masked as transcripts are without pii.unmasked' }),
  list: z.string().meta({ description: "the list's name when heard ('HAILING_LIVE_KEYWORDS': the environment's keywords)" }),
  listId: z.number().int().nullable(),
  atMs: z.number().int().meta({ description: "ms from the call's start where its first token was heard" }),
  heardAt: z.string().meta({ description: 'ISO 8601' }),
});

export const CallKeywordHits = z.object({ callId: z.string(), items: z.array(KeywordHit) });

export const KeywordHitQuery = z.object({
  keyword: z.string().trim().min(1, 'keyword: give the phrase to look for').max(100).optional().meta({ description: 'the phrase (any letter case); absent: every keyword' }),
  from: z.iso.datetime({ offset: true, error: 'from: an RFC 3339 time' }).optional(),
  to: z.iso.datetime({ offset: true, error: 'to: an RFC 3339 time' }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const KeywordHitSearchResult = z.object({ items: z.array(KeywordHit), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });
