/**
 * "1,200/5,000 re-sealed, about 40 s left": a line per step with the total and an estimate
 * from the pace so far, so an operator can tell a long run from a stuck one.
 */
export function progressLine(
  done: number,
  total: number,
  what: string,
  startedAt: number,
  now = Date.now(),
): string {
  const count = `${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} ${what}`;
  if (done === 0 || done >= total) return count;
  const secondsLeft = Math.ceil((((now - startedAt) / done) * (total - done)) / 1000);
  return `${count}, about ${duration(secondsLeft)} left`;
}

function duration(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}
