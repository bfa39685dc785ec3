import { readFileSync } from 'node:fs';

// Reading V8 CPU profiles (`--cpu-prof`, or the inspector's Profiler) for the bench:* scripts:
// self time grouped by package or Vigil folder, by function, and by function with its callees,
// optionally cropped to a window of the monotonic clock (the bench's measured phase).

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Wall time covered, in µs. */
  spanUs: number;
  busyUs: number;
  idleUs: number;
  groups: Map<string, number>;
  selfByName: Map<string, number>;
  inclusiveByName: Map<string, number>;
}

export const readCpuProfile = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

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
const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);

/** Where the profiled thread's time went; `window` (µs of the monotonic clock, as process.hrtime) keeps only the samples inside it. */
export function summariseProfile(profile: CpuProfile, window?: { fromUs: number; toUs: number }): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window.fromUs || at > window.toUs)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  const summary: ProfileSummary = {
    spanUs: window ? Math.min(window.toUs, profile.endTime) - Math.max(window.fromUs, profile.startTime) : profile.endTime - profile.startTime,
    busyUs: 0,
    idleUs: 0,
    groups: new Map(),
    selfByName: new Map(),
    inclusiveByName: new Map(),
  };
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') {
      summary.idleUs += us;
      continue;
    }
    summary.busyUs += us;
    add(summary.groups, groupOf(frame), us);
    add(summary.selfByName, nameOf(frame), us);
    // Each function on the stack once, however often it recurses.
    const seen = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parentOf.get(node)) {
      const name = nameOf(byId.get(node)!.callFrame);
      if (!seen.has(name)) add(summary.inclusiveByName, name, us);
      seen.add(name);
    }
  }
  return summary;
}

/** Prints the top rows of one of a summary's maps, as a share of busy time and, given `per`, in µs per unit of work. */
export function printProfileTable(title: string, map: Map<string, number>, options: { busyUs: number; limit: number; per?: { count: number; unit: string } }) {
  console.log(`\n${title}`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, options.limit)) {
    const share = `${((100 * us) / options.busyUs).toFixed(1)}%`.padStart(6);
    const per = options.per ? ` ${(us / options.per.count).toFixed(1).padStart(7)} µs/${options.per.unit}` : '';
    console.log(`  ${share}${per}  ${key}`);
  }
}
