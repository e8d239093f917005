/** Exponential backoff with full jitter, capped: 2 s, 4 s, 8 s … up to 15 minutes. */
export function backoffMs(failures: number, random = Math.random()): number {
  const ceiling = Math.min(15 * 60 * 1000, 2000 * 2 ** Math.max(0, failures - 1));
  return Math.max(1000, Math.floor(ceiling * random));
}
