export type ModelErrorCode =
  | 'unknown-model'
  | 'not-installed'
  | 'download-failed'
  | 'checksum-mismatch'
  | 'corrupt-archive'
  | 'unsafe-archive'
  | 'wrong-kind'
  | 'bad-model';

/** an installer or model-check refusal; `message` is the sentence shown to the operator */
export class ModelError extends Error {
  constructor(
    readonly code: ModelErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}
