/** Thrown when every slot is busy and the waiting line is full: the caller answers 503. */
export class BusyError extends Error {
  readonly code = "busy";
  constructor() {
    super("Too many requests are waiting for a password check");
    this.name = "BusyError";
  }
}

export type LimiterOptions = {
  /** How many tasks run at once. */
  concurrency: number;
  /** How many more may wait for a slot; beyond that, `run` throws BusyError at once. */
  queue: number;
};

export type Limiter = { run<T>(task: () => Promise<T>): Promise<T> };

/** A counting semaphore with a bounded waiting line, in one process. */
export function createLimiter({ concurrency, queue }: LimiterOptions): Limiter {
  let active = 0;
  const waiting: (() => void)[] = [];

  const acquire = async () => {
    if (active < concurrency) {
      active += 1;
      return;
    }
    if (waiting.length >= queue) throw new BusyError();
    // The releasing task hands its slot over: `active` stays the same.
    await new Promise<void>((resolve) => waiting.push(resolve));
  };

  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  };

  return {
    async run(task) {
      await acquire();
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
