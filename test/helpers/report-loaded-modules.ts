import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

// `node --import tsx --import ./test/helpers/report-loaded-modules.ts script.ts`: on exit,
// writes to stderr one line `loaded-modules: [...]` with every file: URL the script loaded.
// Module hooks run on their own thread, so the hook posts each URL back over a port.

const { port1, port2 } = new MessageChannel();
const loaded: string[] = [];
port1.on('message', (url: string) => loaded.push(url));
port1.unref();

const hook = `
let port;
export function initialize(data) { port = data.port; }
export async function load(url, context, nextLoad) {
  if (url.startsWith('file:')) port.postMessage(url);
  return nextLoad(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { port: port2 }, transferList: [port2] });

process.on('exit', () => process.stderr.write(`\nloaded-modules: ${JSON.stringify(loaded)}\n`));
