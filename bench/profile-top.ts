/**
 * Reads the CPU profiles BENCH_PROFILE wrote (node --cpu-prof) and prints where the api
 * processes spent their time: self time by function and by package (node_modules/<package>,
 * node's own modules, Relais' code), idle and GC apart. Usage: node dist/bench/profile-top.js
 * <dir or .cpuprofile file> [top]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

const [dir, top = '25'] = process.argv.slice(2);
const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
/** Node's own frames (socket writes, crypto) charged to the first package up the stack. */
const builtInByCaller = new Map<string, number>();
let total = 0;

const add = (map: Map<string, number>, key: string, micros: number) => map.set(key, (map.get(key) ?? 0) + micros);

function packageOf(url: string, name: string): string {
  if (name === '(idle)' || name === '(garbage collector)' || name === '(program)') return name;
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  if (url.startsWith('node:') || url === '') return 'node (built-in)';
  const relais = /\/dist\/((?:apps|libs|bench)\/[^/]+)/.exec(url);
  return relais ? `relais ${relais[1]}` : url;
}

const files = dir.endsWith('.cpuprofile')
  ? [dir]
  : readdirSync(dir)
      .filter((name) => name.endsWith('.cpuprofile'))
      .map((name) => join(dir, name));
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const caller = (id: number): string => {
    for (let at = parents.get(id); at !== undefined; at = parents.get(at)) {
      const frame = nodes.get(at)!;
      const owner = packageOf(frame.url, frame.functionName);
      if (owner !== 'node (built-in)' && owner !== '(program)' && owner !== '(root)') {
        return `${owner} ${frame.functionName || '(anonymous)'}`;
      }
    }
    return '(no caller)';
  };
  profile.samples.forEach((id, index) => {
    const frame = nodes.get(id)!;
    const micros = profile.timeDeltas[index] ?? 0;
    const short = frame.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, '');
    add(byFunction, `${frame.functionName || '(anonymous)'} ${short}:${frame.lineNumber + 1}`, micros);
    const owner = packageOf(frame.url, frame.functionName);
    add(byPackage, owner, micros);
    if (owner === 'node (built-in)') add(builtInByCaller, caller(id), micros);
    total += micros;
  });
}

const print = (title: string, map: Map<string, number>, count: number) => {
  console.log(`${title} (self time, % of ${(total / 1e6).toFixed(1)} s sampled)`);
  for (const [key, micros] of [...map].sort(([, a], [, b]) => b - a).slice(0, count)) {
    console.log(`  ${((100 * micros) / total).toFixed(1).padStart(5)} %  ${key}`);
  }
};
print('By package', byPackage, 20);
print('By function', byFunction, Number(top));
print("Node's built-in frames by first caller in a package", builtInByCaller, 20);
