// Preloaded into the server by `npm run bench:check -- --profile DIR` (NODE_OPTIONS=--import):
// node refuses --cpu-prof in NODE_OPTIONS, and a whole-run profile would mix start-up and
// the other phases in. The first SIGUSR2 starts V8's profiler on the main thread, the second
// writes DIR/check-<pid>.cpuprofile. Plain JavaScript: it loads before tsx is registered.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import process from 'node:process';

const dir = process.env.VIGIL_BENCH_PROFILE_DIR ?? '.';
// V8's usual 1 ms: finer sampling costs the server more CPU than the checks themselves.
const intervalUs = Number(process.env.VIGIL_BENCH_PROFILE_INTERVAL_US ?? 1000);
const session = new Session();
session.connect();
let running = false;

process.on('SIGUSR2', () => {
  if (!running) {
    running = true;
    session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: intervalUs }, () => session.post('Profiler.start')));
    return;
  }
  running = false;
  session.post('Profiler.stop', (error, result) => {
    if (error) throw error;
    writeFileSync(join(dir, `check-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    process.stdout.write(`${JSON.stringify({ msg: 'cpu profile written', dir })}\n`);
  });
});
