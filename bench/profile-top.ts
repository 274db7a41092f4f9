/**
 * The top frames of a V8 CPU profile (`.cpuprofile`, from --cpu-prof or BENCH_PROFILE) by self
 * time, and idle/GC shares. Usage: node dist/bench/profile-top.js <file> [frames]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const [file, limit = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8')) as {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
};
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, index) => {
  const frame = nodes.get(id)!.callFrame;
  const where = frame.url.replace(/^.*\/node_modules\//, '').replace(/^.*\/dist\//, 'dist/');
  const key = `${frame.functionName || '(anonymous)'} ${where}${where ? ':' + (frame.lineNumber + 1) : ''}`;
  const delta = profile.timeDeltas[index] ?? 0;
  self.set(key, (self.get(key) ?? 0) + delta);
  total += delta;
});
console.log(`total ${(total / 1e6).toFixed(1)} s sampled`);
for (const [key, micros] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(limit))) {
  console.log(
    `${((100 * micros) / total).toFixed(1).padStart(5)} %  ${(micros / 1e6).toFixed(2).padStart(6)} s  ${key}`,
  );
}
