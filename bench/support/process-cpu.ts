import * as fs from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // Linux's USER_HZ

/** CPU seconds a process has used so far (user + system), from /proc; 0 where there is no /proc. */
export function cpuSecondsOf(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}
