import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configSchema, configShape, type Config } from './schema.js';

export type { Config } from './schema.js';

/** Every key and its environment variable: camelCase key → HAILING_SNAKE_CASE. */
export const envName = (key: string): string => `HAILING_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

export const configKeys = Object.keys(configShape.shape);

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

function readFileConfig(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`HAILING_CONFIG: cannot read ${file}: ${(err as Error).message}`]);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error('the top level must be a JSON object');
    return value as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError([`HAILING_CONFIG: ${file} is not valid JSON: ${(err as Error).message}`]);
  }
}

/**
 * Resolve configuration from the environment (and the optional JSON file it names).
 * Throws ConfigError whose lines name each bad key (as its env var when it came from there).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = env.HAILING_CONFIG ? readFileConfig(env.HAILING_CONFIG) : {};
  const fromEnv = new Set<string>();
  for (const key of configKeys) {
    const value = env[envName(key)];
    if (value !== undefined && value !== '') {
      raw[key] = value;
      fromEnv.add(key);
    }
  }
  const known = new Set(configKeys);
  const unknownEnv = Object.keys(env).filter(
    (k) => k.startsWith('HAILING_') && k !== 'HAILING_CONFIG' && !configKeys.some((c) => envName(c) === k),
  );
  const parsed = configSchema.safeParse(raw);
  const problems: string[] = unknownEnv.map((k) => `${k}: unknown setting`);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      const name = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : key;
      const label = known.has(key) && fromEnv.has(key) ? envName(key) : name;
      problems.push(`${label}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const c = parsed.data;
  const publicAddress = c.publicAddress ?? (c.bindAddress === '0.0.0.0' || c.bindAddress === '::' ? '127.0.0.1' : c.bindAddress);
  return {
    ...c,
    dataDir: path.resolve(c.dataDir),
    modelsDir: path.resolve(c.modelsDir ?? path.join(c.dataDir, 'models')),
    publicAddress,
    sipDomain: c.sipDomain ?? publicAddress,
    databaseUrl: c.databaseUrl ?? `file:${path.join(path.resolve(c.dataDir), 'hailing.db')}`,
  };
}
