// drizzle-kit: `npm run db:generate` writes SQL migrations into migrations/ from the schema.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './server/store/schema/index.ts',
  out: './migrations',
});
