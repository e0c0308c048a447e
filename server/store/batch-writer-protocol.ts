// Messages between the BatchWriter (main thread) and its worker. Plain data only: one `batch`
// message per flush, one `done` per batch. Errors cross as WireError because structured clone keeps
// only name and message of an Error, and callers may look at libsql's `code`.
import type { BatchRequest, CommitOutcome } from './batch-commit.js';
import type { FileConnectionOptions } from './connection.js';

export type BatchWorkerData = FileConnectionOptions;

export type ToBatchWorker = { readonly type: 'batch'; readonly id: number; readonly request: BatchRequest } | { readonly type: 'close' };

export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly rawCode?: number;
}

export type FromBatchWorker = { readonly type: 'done'; readonly id: number; readonly outcome: CommitOutcome<WireError> };

export function toWireError(err: unknown): WireError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const { code, rawCode } = err as { code?: unknown; rawCode?: unknown };
  return {
    name: err.name,
    message: err.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof rawCode === 'number' ? { rawCode } : {}),
  };
}

export function fromWireError(wire: WireError): Error {
  const err = new Error(wire.message) as Error & { code?: string; rawCode?: number };
  err.name = wire.name;
  if (wire.code !== undefined) err.code = wire.code;
  if (wire.rawCode !== undefined) err.rawCode = wire.rawCode;
  return err;
}
