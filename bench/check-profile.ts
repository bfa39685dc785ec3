// npx tsx bench/check-profile.ts <file.cpuprofile> [--top 40] [--per N]
// Where the server's CPU goes, from a V8 CPU profile (`npm run bench:check -- --profile DIR`):
// self time grouped by package or Vigil folder, then the top functions by self and by total
// time. With --per N (the checks answered while profiling) times are also shown in µs per check.
import { readNumberFlag, round } from './bench.utils.ts';
import { printProfileTable, readCpuProfile, summariseProfile } from './cpu-profile.utils.ts';

const file = process.argv[2];
if (!file || file.startsWith('--')) throw new Error('usage: tsx bench/check-profile.ts <file.cpuprofile> [--top 40] [--per N]');
const TOP = readNumberFlag('top', 40);
const PER = process.argv.includes('--per') ? readNumberFlag('per', 1) : undefined;
const summary = summariseProfile(readCpuProfile(file));
const options = { busyUs: summary.busyUs, per: PER ? { count: PER, unit: 'check' } : undefined };

console.log(
  `${file}: ${round(summary.spanUs / 1e6, 1)} s profiled, busy ${round(summary.busyUs / 1e6, 2)} s, idle ${round(summary.idleUs / 1e6, 2)} s` +
    (PER ? `, ${PER} checks → ${round(summary.busyUs / PER, 1)} µs busy per check` : ''),
);
printProfileTable('self time by package / folder', summary.groups, { ...options, limit: 30 });
printProfileTable('self time by function', summary.selfByName, { ...options, limit: TOP });
printProfileTable('total time by function (callees included)', summary.inclusiveByName, { ...options, limit: TOP });
