// npx tsx bench/check-profile.ts <file.cpuprofile> [--top 40] [--per N]
// Where the server's CPU goes, from a V8 CPU profile (`npm run bench:check -- --profile DIR`):
// self time grouped by package or Vigil folder, then the top functions by self and by total
// time. With --per N (the checks answered while profiling) times are also shown in µs per check.
import { readFileSync } from 'node:fs';
import { readNumberFlag, round } from './bench.utils.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file || file.startsWith('--')) throw new Error('usage: tsx bench/check-profile.ts <file.cpuprofile> [--top 40] [--per N]');
const TOP = readNumberFlag('top', 40);
const PER = process.argv.includes('--per') ? readNumberFlag('per', 1) : undefined;
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

/** node_modules/<pkg>, a Vigil folder (src/modules/checks), node's own code, or V8's pseudo-frames. */
function groupOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const own = url.match(/\/(src\/(?:modules\/[^/]+|[^/]+))/);
  return own ? own[1]! : url;
}
const nameOf = (frame: ProfileNode['callFrame']) => `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*?(node_modules\/|src\/)/, '$1')}:${frame.lineNumber + 1}`;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const totalUs = [...selfUs.values()].reduce((sum, us) => sum + us, 0);
const idleUs = [...selfUs].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((sum, [, us]) => sum + us, 0);
const busyUs = totalUs - idleUs;

const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
const groups = new Map<string, number>();
const selfByName = new Map<string, number>();
const inclusiveByName = new Map<string, number>();
for (const [id, us] of selfUs) {
  const frame = byId.get(id)!.callFrame;
  if (frame.functionName === '(idle)') continue;
  add(groups, groupOf(frame), us);
  add(selfByName, nameOf(frame), us);
  // Each function on the stack once, however often it recurses.
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
    const name = nameOf(byId.get(at)!.callFrame);
    if (!seen.has(name)) add(inclusiveByName, name, us);
    seen.add(name);
  }
}

const show = (us: number) => {
  const share = `${round((100 * us) / busyUs, 1)}%`.padStart(6);
  return PER ? `${share} ${String(round(us / PER, 1)).padStart(7)} µs/check` : share;
};
const table = (title: string, map: Map<string, number>, limit: number) => {
  console.log(`\n${title}`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, limit)) console.log(`  ${show(us)}  ${key}`);
};

console.log(`${file}: ${round((profile.endTime - profile.startTime) / 1e6, 1)} s profiled, busy ${round(busyUs / 1e6, 2)} s, idle ${round(idleUs / 1e6, 2)} s` + (PER ? `, ${PER} checks → ${round(busyUs / PER, 1)} µs busy per check` : ''));
table('self time by package / folder', groups, 30);
table('self time by function', selfByName, TOP);
table('total time by function (callees included)', inclusiveByName, TOP);
