import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { TaskrDatabase } from "../db/open-database";
import { throttle } from "../db/schema";

export type ThrottlePolicy = {
  /** Failures in a row before the first wait. */
  freeFailures: number;
  firstLockSeconds: number;
  maxLockSeconds: number;
};

/** Five wrong passwords for one username, then 1 s, 2 s, 4 s … up to 15 minutes. */
export const ACCOUNT_POLICY: ThrottlePolicy = {
  freeFailures: 5,
  firstLockSeconds: 1,
  maxLockSeconds: 15 * 60,
};

/** One address may be a whole office behind NAT: more room before it waits. */
export const ADDRESS_POLICY: ThrottlePolicy = {
  freeFailures: 20,
  firstLockSeconds: 1,
  maxLockSeconds: 15 * 60,
};

/** A key with no failure for this long starts again from nothing. */
export const FORGET_AFTER_MS = 60 * 60 * 1000;

export type ThrottleKey = { key: string; policy: ThrottlePolicy };

export const accountKey = (username: string): ThrottleKey => ({
  key: hashedKey(`account:${username}`),
  policy: ACCOUNT_POLICY,
});

export const addressKey = (address: string): ThrottleKey => ({
  key: hashedKey(`address:${address}`),
  policy: ADDRESS_POLICY,
});

/** How long a key waits after its `failures`-th failure in a row: doubling, capped. */
export function lockSeconds(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.freeFailures) return 0;
  const doubled = policy.firstLockSeconds * 2 ** (failures - policy.freeFailures);
  return Math.min(policy.maxLockSeconds, doubled);
}

export type Throttle = ReturnType<typeof createThrottle>;

/**
 * Failures counted in Taskr's database, so every instance sees the same count. A locked key is
 * refused before any password is hashed; that a username exists never changes the answer.
 */
export function createThrottle(db: TaskrDatabase, now: () => Date = () => new Date()) {
  return {
    /** Whole seconds until every key may try again: 0 when none is locked. */
    async retryAfter(keys: ThrottleKey[]): Promise<number> {
      const rows = await db
        .select({ lockedUntil: throttle.lockedUntil })
        .from(throttle)
        .where(
          inArray(
            throttle.key,
            keys.map(({ key }) => key),
          ),
        );
      const latest = Math.max(0, ...rows.map((row) => row.lockedUntil?.getTime() ?? 0));
      return Math.max(0, Math.ceil((latest - now().getTime()) / 1000));
    },

    async recordFailure(keys: ThrottleKey[]): Promise<void> {
      const at = now();
      const forgetBefore = new Date(at.getTime() - FORGET_AFTER_MS);
      await db
        .delete(throttle)
        .where(
          and(
            lt(throttle.lastFailureAt, forgetBefore),
            or(isNull(throttle.lockedUntil), lt(throttle.lockedUntil, at)),
          ),
        );
      for (const { key, policy } of keys) {
        // One statement, so failures from two instances at once are both counted.
        const [counted] = await db
          .insert(throttle)
          .values({ key, failures: 1, lastFailureAt: at })
          .onConflictDoUpdate({
            target: throttle.key,
            set: {
              failures: sql`case when ${throttle.lastFailureAt} < ${forgetBefore.toISOString()}::timestamptz then 1 else ${throttle.failures} + 1 end`,
              lastFailureAt: at,
            },
          })
          .returning({ failures: throttle.failures });
        const seconds = lockSeconds(counted?.failures ?? 1, policy);
        if (seconds === 0) continue;
        const until = new Date(at.getTime() + seconds * 1000).toISOString();
        // Never shortens a lock another instance set from a higher count.
        await db
          .update(throttle)
          .set({
            lockedUntil: sql`greatest(${throttle.lockedUntil}, ${until}::timestamptz)`,
          })
          .where(eq(throttle.key, key));
      }
    },

    /** A correct password clears its username's count (never the address's). */
    async forget(key: ThrottleKey): Promise<void> {
      await db.delete(throttle).where(eq(throttle.key, key.key));
    },
  };
}

function hashedKey(text: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(text)));
}
