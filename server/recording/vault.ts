// Encryption at rest for recordings, on the server's side: a fresh file key per recording wrapped
// by the current master key (handed to the media worker as SealOptions: media never sees the
// master key), playback that decrypts on the fly, and rotation that re-wraps file keys without
// touching the audio (docs/data-at-rest.md).
import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  SEALED_HEADER_BYTES,
  parseSealedHeader,
  restateWavSizes,
  sealKeyBytes,
  sealedLayout,
  sealedRecords,
  type SealOptions,
  type SealProfile,
  type SealedHeader,
} from '../../media/index.js';
import { unwrapFileKey, wrapFileKey, wrappedKeyId } from './key-wrap.js';
import type { MasterKeyring } from './master-keys.js';

export type RecordingEncryption = SealProfile | 'off';

/** A recording opened for reading: its plaintext length and a stream of it. */
export interface RecordingPlayback {
  readonly sealed: boolean;
  /** plaintext bytes the stream will give */
  readonly size: number;
  /** the profile of a sealed file */
  readonly profile?: SealProfile;
  /** the master key id that unwrapped it */
  readonly keyId?: string;
  /** the plaintext; closes the handle when it ends, fails or is destroyed */
  stream(): Readable;
  /** closes the handle without reading (HEAD) */
  discard(): Promise<void>;
}

export type PlaybackResult = { readonly ok: true; readonly playback: RecordingPlayback } | { readonly ok: false; readonly reason: string };

export class RecordingVault {
  readonly encryption: RecordingEncryption;
  readonly keyring: MasterKeyring | null;

  constructor(o: { readonly encryption: RecordingEncryption; readonly keyring: MasterKeyring | null }) {
    if (o.encryption !== 'off' && o.keyring === null) throw new Error('recording encryption needs a master keyring');
    this.encryption = o.encryption;
    this.keyring = o.keyring;
  }

  /** A new file key wrapped by the current master key; undefined when encryption is off. */
  seal(): SealOptions | undefined {
    if (this.encryption === 'off' || this.keyring === null) return undefined;
    const key = randomBytes(sealKeyBytes(this.encryption));
    return { profile: this.encryption, key, wrappedKey: wrapFileKey({ profile: this.encryption, master: this.keyring.current, fileKey: key }) };
  }

  /** The file key of a sealed header, from whichever slot the keyring can open. */
  fileKey(header: SealedHeader): { key: Buffer; keyId: string; slot: 0 | 1 } | null {
    if (this.keyring === null) return null;
    for (const slot of [0, 1] as const) {
      const blob = header.slots[slot];
      if (blob === null) continue;
      const key = unwrapFileKey({ profile: header.profile, keyring: this.keyring, blob });
      if (key !== null) return { key, keyId: wrappedKeyId(blob) ?? '', slot };
    }
    return null;
  }

  /**
   * Reads a recording for playback or download: a sealed file is decrypted as it streams (a WAV's
   * sizes stated from the records present); a plain one (recorded with encryption off, or before
   * it was on) streams as it is. Takes over `handle`: the stream, or this function on failure, closes it.
   */
  async openForPlayback(o: { readonly handle: FileHandle; readonly size: number }): Promise<PlaybackResult> {
    const { handle, size } = o;
    const head = Buffer.alloc(Math.min(size, SEALED_HEADER_BYTES));
    try {
      await handle.read(head, 0, head.length, 0);
    } catch (err) {
      await handle.close();
      throw err;
    }
    const header = parseSealedHeader(head);
    if (header === null) {
      return { ok: true, playback: { sealed: false, size, stream: () => handle.createReadStream({ autoClose: true }), discard: () => handle.close() } };
    }
    const opened = this.fileKey(header);
    if (opened === null) {
      await handle.close();
      return { ok: false, reason: 'the recording is encrypted with a master key this server does not hold' };
    }
    const layout = await sealedLayout({ source: handle, size, profile: header.profile });
    const records = async function* (): AsyncGenerator<Buffer> {
      try {
        let first = true;
        for await (const plain of sealedRecords({ source: handle, size, header, key: opened.key, layout })) {
          if (first && header.format === 'wav') restateWavSizes(plain, layout.plainBytes);
          first = false;
          yield plain;
        }
      } finally {
        await handle.close();
      }
    };
    return {
      ok: true,
      playback: { sealed: true, size: layout.plainBytes, profile: header.profile, keyId: opened.keyId, stream: () => Readable.from(records(), { objectMode: false }), discard: () => handle.close() },
    };
  }
}
