import { readdirSync, readFileSync } from 'node:fs';

// Where a load's CPU goes: this process (app and load tool), FerretDB and PostgreSQL, from
// /proc (Linux only; elsewhere the database processes read as 0). Printed per request beside a
// page's load, to tell the app's share from the database's.

export type CpuTimes = { node: number; ferretdb: number; postgres: number };

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU time used so far, in ms, by this process and by every FerretDB and PostgreSQL process. */
export function cpuTimes(): CpuTimes {
  const own = process.cpuUsage();
  const times: CpuTimes = { node: (own.user + own.system) / 1000, ferretdb: 0, postgres: 0 };
  const pids = processIds();
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const kind = name.startsWith('ferretdb') ? 'ferretdb' : name.startsWith('postgres') ? 'postgres' : undefined;
    if (!kind) continue;
    // fields after the name: state is field 3; utime and stime are fields 14 and 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    times[kind] += (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  }
  return times;
}

/** Every process's id, from /proc; none where there is no /proc. */
function processIds(): string[] {
  try {
    return readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
}

/** CPU ms per request between two readings, e.g. "node 31, FerretDB 40, PostgreSQL 6". */
export function describeCpu(before: CpuTimes, after: CpuTimes, requests: number): string {
  const per = (key: keyof CpuTimes) => Math.round((after[key] - before[key]) / Math.max(1, requests));
  return `CPU per request: node ${per('node')} ms, FerretDB ${per('ferretdb')} ms, PostgreSQL ${per('postgres')} ms`;
}
