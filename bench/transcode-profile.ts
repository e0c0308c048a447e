// Where an engine's CPU time went: sums self time by function over the .cpuprofile files that
// MEDIA_CPU_PROF=DIR made (one per thread), and prints the top entries with file and line.
//   npx tsx bench/transcode-profile.ts DIR [--top 25]
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: transcode-profile.ts DIR [--top N]');
const topIndex = process.argv.indexOf('--top');
const TOP = topIndex >= 0 ? Number(process.argv[topIndex + 1]) : 25;

for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Profile;
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, number>();
  let totalUs = 0;
  // time of sample i is timeDeltas[i + 1] (the gap to the next sample); hitCount is a fallback
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, i) => {
    const n = byNode.get(id);
    if (n === undefined) return;
    const us = deltas[i + 1] ?? 0;
    const where = n.callFrame.url === '' ? '' : ` ${n.callFrame.url.replace(/^file:\/\/.*?\/(media|bench|node_modules)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
    const key = `${n.callFrame.functionName || '(anonymous)'}${where}`;
    selfUs.set(key, (selfUs.get(key) ?? 0) + us);
    totalUs += us;
  });
  const busyUs = totalUs - (selfUs.get('(idle)') ?? 0);
  const rows = [...selfUs.entries()].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, TOP);
  console.log(`${file}: ${(totalUs / 1e6).toFixed(1)} s profiled, ${(busyUs / 1e6).toFixed(2)} s busy`);
  for (const [k, us] of rows) console.log(`  ${((us / Math.max(1, busyUs)) * 100).toFixed(1).padStart(5)} %  ${(us / 1e3).toFixed(0).padStart(6)} ms  ${k}`);
}
