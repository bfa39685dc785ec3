import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

// For tests of how Vigil runs as an operator starts it (`npm start`, the README pasted into
// bash): which processes a command left behind, and whether its port is free again. Linux (/proc).

/** The parent pid of a process, or null once it is gone. */
function parentOf(pid: number): number | null {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
  } catch {
    return null;
  }
}

/** Every living process under `root` (children, grandchildren…), not `root` itself. */
export function descendantsOf(root: number): number[] {
  const all = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  const found = new Set<number>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const pid of all) {
      const parent = parentOf(pid);
      if (!found.has(pid) && parent !== null && (parent === root || found.has(parent))) {
        found.add(pid);
        grew = true;
      }
    }
  }
  return [...found];
}

/** Every living process of a process group (what a shell's `&` jobs stay in when the shell is gone). */
export function processGroupMembers(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[2]) === pgid && isAlive(pid);
      } catch {
        return false;
      }
    });
}

export function isAlive(pid: number): boolean {
  try {
    // A zombie (exited, not yet reaped) counts as gone: it runs nothing and holds no port.
    return !/^[^)]*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The pids among `pids` still alive after waiting up to `timeoutMs` for them to exit. */
export async function survivorsAfter(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive) && Date.now() < deadline) await sleep(200);
  return pids.filter(isAlive);
}

/** A port nobody listens on now (the kernel picks it). */
export async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** True when something can listen on the port again (on every address, as Vigil's default HOST does). */
export async function isPortFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/** SIGKILLs a process and everything under it (cleanup after a failed test). */
export function killTree(root: number): void {
  for (const pid of [...descendantsOf(root), root]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
