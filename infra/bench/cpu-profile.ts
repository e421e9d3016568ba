import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * The functions that took most of a process's CPU (self time, idle left out) from the
 * `.cpuprofile` node's `--cpu-prof` wrote into `dir`: what to cut first.
 */
export function topFunctions(
  dir: string,
  count = 15,
): { name: string; ms: number; share: number }[] {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}: did the process exit normally?`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const microsById = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    microsById.set(id, (microsById.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const msByName = new Map<string, number>();
  for (const { id, callFrame } of profile.nodes) {
    if (callFrame.functionName === '(idle)') continue;
    const where = callFrame.url ? ` ${callFrame.url.split('/').slice(-2).join('/')}` : '';
    const name = `${callFrame.functionName || '(anonymous)'}${where}`;
    msByName.set(name, (msByName.get(name) ?? 0) + (microsById.get(id) ?? 0) / 1000);
  }
  const busy = [...msByName.values()].reduce((a, b) => a + b, 0);
  return [...msByName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, ms]) => ({ name, ms, share: ms / busy }));
}
