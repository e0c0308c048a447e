import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadManifest } from './manifest.js';

describe('models/manifest.json', () => {
  it('parses and covers the kinds issue 13 lists (zh-en and en streaming, paraformer, SenseVoice, Whisper, zh/en voices and spotters, VAD, punctuation)', () => {
    const models = loadManifest().models;
    const has = (kind: string, re: RegExp, lang?: string): boolean =>
      models.some((m) => m.kind === kind && re.test(m.name) && (lang === undefined || m.languages.includes(lang)));
    assert.ok(has('streaming-asr', /bilingual-zh-en/, 'zh'));
    assert.ok(has('streaming-asr', /zipformer-en/, 'en'));
    assert.ok(has('offline-asr', /paraformer/, 'zh'));
    assert.ok(has('offline-asr', /sense-voice/));
    assert.ok(has('offline-asr', /whisper/));
    assert.ok(has('tts', /./, 'zh') && has('tts', /./, 'en'));
    assert.ok(has('kws', /./, 'zh') && has('kws', /./, 'en'));
    assert.ok(has('vad', /silero/));
    assert.ok(has('punctuation', /./));
  });

  it('states no checksum it cannot source: every SHA-256 is null (pinned at first install) or 64 hex digits', () => {
    for (const m of loadManifest().models) assert.ok(m.sha256 === null || /^[0-9a-f]{64}$/.test(m.sha256), m.name);
  });
});
