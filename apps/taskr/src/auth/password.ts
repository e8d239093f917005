import { hash, verify } from "@node-rs/argon2";
import { createLimiter, type LimiterOptions } from "./limiter";

// OWASP's argon2id minimum: 19 MiB, 2 iterations, 1 lane.
const PARAMETERS = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 };

/**
 * Each hash holds 19 MiB and a thread of libuv's pool (4 by default) for tens of milliseconds.
 * Two at a time leaves the pool's other threads to file and DNS work; a burst of sign-ins waits
 * in a short line, and beyond it gets 503 instead of exhausting memory.
 */
export const DEFAULT_HASHING_LIMITS: LimiterOptions = { concurrency: 2, queue: 32 };

export type Passwords = {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
  /** Costs what `verify` costs against a real hash, for a username that has none. */
  verifyNothing(password: string): Promise<void>;
};

/** argon2id through one limiter: every call throws BusyError when its waiting line is full. */
export function createPasswords(limits: LimiterOptions = DEFAULT_HASHING_LIMITS): Passwords {
  const limiter = createLimiter(limits);
  // Made at start, so even the first unknown username costs one verify and nothing more.
  const dummyHash = hash("not-a-real-password", PARAMETERS);
  const verifyHash = (passwordHash: string, password: string) =>
    limiter.run(() => verify(passwordHash, password).catch(() => false));
  return {
    hash: (password) => limiter.run(() => hash(password, PARAMETERS)),
    verify: verifyHash,
    async verifyNothing(password) {
      await verifyHash(await dummyHash, password);
    },
  };
}
