// The independent judge of our TTS (TESTING.md): Debian's pocketsphinx with the TIDIGITS acoustic
// model and digit-loop grammar from pocketsphinx-testdata, which recognises English digit strings
// with no code of ours. The model's front end is 16 kHz audio band-limited to 4 kHz (feat.params:
// upperf 4000), so telephone audio is resampled to 16 kHz by sox and decoded with -samprate 16000.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const TIDIGITS = '/usr/share/pocketsphinx/test/data/tidigits';
const WORDS: Readonly<Record<string, string>> = { zero: '0', oh: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9' };

/** the digits pocketsphinx hears in a WAV file (any rate), as a string ('41729') */
export function pocketsphinxDigits(wav: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'hailing-judge-'));
  try {
    execFileSync('sox', [wav, '-r', '16000', '-c', '1', '-b', '16', '-e', 'signed', '-t', 'raw', path.join(dir, 'utt.raw')]);
    writeFileSync(path.join(dir, 'ctl'), 'utt\n');
    const hyp = path.join(dir, 'hyp');
    execFileSync('pocketsphinx_batch', [
      '-adcin', 'yes', '-cepdir', dir, '-cepext', '.raw', '-ctl', path.join(dir, 'ctl'),
      '-hmm', `${TIDIGITS}/hmm`, '-fsg', `${TIDIGITS}/lm/tidigits.fsg`, '-dict', `${TIDIGITS}/lm/tidigits.dic`,
      '-samprate', '16000', '-nfft', '512', '-hyp', hyp, '-logfn', '/dev/null',
    ]);
    // "four one seven (utt -57148)"
    const words = readFileSync(hyp, 'utf8').replace(/\(utt[^)]*\)/, '').trim().split(/\s+/);
    return words.map((w) => WORDS[w] ?? '').join('');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
