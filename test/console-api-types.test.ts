// The console's API types are generated from the server's OpenAPI document; a schema change that
// was not regenerated (`npm run web:api`) fails here instead of drifting silently.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { SCHEMA_FILE, generateApiTypes } from '../scripts/web-api-types.js';

describe('web/src/api/schema.d.ts', () => {
  it('is what openapi-typescript generates from the current OpenAPI document (run `npm run web:api`)', async () => {
    const committed = await readFile(SCHEMA_FILE, 'utf8');
    assert.ok(committed === (await generateApiTypes()), 'web/src/api/schema.d.ts is stale: run `npm run web:api` and commit it');
  });
});
