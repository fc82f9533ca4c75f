// How much of the machine's CPU went to processes other than the app and the
// bench while measuring (Linux /proc): on a shared 2-core machine a busy
// neighbour skews every figure, so the results say so.
import fs from "node:fs";

// USER_HZ: the unit of /proc/stat and /proc/<pid>/stat on Linux.
const TICKS_PER_SECOND = 100;

function machineTicks() {
  const [, ...fields] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number);
  return {
    busy: user + nice + system + irq + softirq + steal,
    all: user + nice + system + idle + iowait + irq + softirq + steal,
  };
}

function processTicks(pid, file = `/proc/${pid}/stat`) {
  // Fields after the command name, which may itself hold spaces and parentheses.
  const stat = fs.readFileSync(file, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

function benchTicks() {
  const { user, system } = process.cpuUsage();
  return ((user + system) / 1e6) * TICKS_PER_SECOND;
}

export function cpuSnapshot(serverPid) {
  try {
    return { ...machineTicks(), server: processTicks(serverPid), bench: benchTicks() };
  } catch {
    return null;
  }
}

// Share of all CPU time between two snapshots used by other processes.
export function otherProcessesShare(before, after) {
  if (!before || !after) return null;
  const all = after.all - before.all;
  const ours = after.server - before.server + (after.bench - before.bench);
  return all > 0 ? Math.max(0, (after.busy - before.busy - ours) / all) : null;
}

// CPU milliseconds the server has used so far: all its threads, and its main
// thread (the event loop) alone; null without /proc.
export function serverCpuMs(pid) {
  try {
    const toMs = (ticks) => (ticks * 1000) / TICKS_PER_SECOND;
    return { all: toMs(processTicks(pid)), main: toMs(processTicks(pid, `/proc/${pid}/task/${pid}/stat`)) };
  } catch {
    return null;
  }
}
