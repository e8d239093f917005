/**
 * Runs tasks for the same key one after another, in this process: checking a throttle, hashing
 * and counting the failure become one step per username, so thirty parallel guesses cannot all
 * pass the check before the first failure is counted. (Across instances the count in the
 * database still bounds them: each instance lets at most one through at a time.)
 */
export function oneAtATime() {
  const tails = new Map<string, Promise<unknown>>();
  return async function run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const before = tails.get(key) ?? Promise.resolve();
    const current = before.then(task, task);
    const tail = current.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
