import type { Context } from "hono";
import type { User } from "../db/schema";

/** Taskr's JSON errors have the kit's shape: `{ error: { code, message } }`. */
export const failure = (code: string, message: string) => ({ error: { code, message } });

/** What the browser may know of a user: never the hash. */
export const userView = (user: User) => ({ id: user.id, username: user.username, role: user.role });

/** 429 with `Retry-After` (RFC 9110 §10.2.3), in whole seconds. */
export function tooManyAttempts(c: Context, seconds: number) {
  c.header("retry-after", String(seconds));
  return c.json(
    failure(
      "too_many_attempts",
      `Too many attempts. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`,
    ),
    429,
  );
}

/** 503 when the password hashing line is full: a retry a moment later will be served. */
export function busy(c: Context) {
  c.header("retry-after", "1");
  return c.json(failure("busy", "Taskr is busy right now. Try again in a moment."), 503);
}
