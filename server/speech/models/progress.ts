// The installer's progress bar: one line, rewritten in place on a terminal.
import type { DownloadProgress } from './download.js';

const mib = (n: number): string => `${(n / 1048576).toFixed(1)} MiB`;

export function progressLine(p: DownloadProgress): string {
  const eta = p.etaS === null ? '--' : `${Math.ceil(p.etaS)} s`;
  if (p.total === null) return `${mib(p.bytes)}  ${mib(p.rate)}/s`;
  const frac = Math.min(1, p.bytes / p.total);
  const bar = '#'.repeat(Math.round(frac * 30)).padEnd(30, '.');
  return `[${bar}] ${(frac * 100).toFixed(0).padStart(3)}%  ${mib(p.bytes)} of ${mib(p.total)}  ${mib(p.rate)}/s  ETA ${eta}`;
}
