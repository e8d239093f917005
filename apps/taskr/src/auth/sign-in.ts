import type { Context } from "hono";
import { z } from "zod";
import type { TaskrDatabase } from "../db/open-database";
import type { TaskrEnv } from "../env";
import type { Passwords } from "./password";
import { setSessionCookie } from "./session-cookie";
import { createSession, generateSessionToken, invalidateSession } from "./sessions";
import type { Throttle } from "./throttle";

/** Open in sandbox mode (the offline demo); by invite only everywhere else. */
export type SignupMode = "open" | "invite";

export type AuthOptions = {
  db: TaskrDatabase;
  secure: boolean;
  baseUrl: string;
  signupMode: SignupMode;
  /** Proxies in front of Taskr whose `X-Forwarded-For` entries are believed (TRUST_PROXY). */
  trustedProxies: number;
  passwords: Passwords;
  throttle: Throttle;
};

export const username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9_.-]{3,32}$/,
    "Usernames are 3 to 32 letters, digits, dots, dashes or underscores",
  );

export const password = z
  .string()
  .min(8, "Passwords have at least 8 characters")
  .max(256, "Passwords have at most 256 characters");

/** Rotation on sign-in: an old session (perhaps planted) never survives it. */
export async function startSession(c: Context<TaskrEnv>, options: AuthOptions, userId: string) {
  const previous = c.get("session");
  if (previous) await invalidateSession(options.db, previous.id);
  const token = generateSessionToken();
  const session = await createSession(options.db, token, userId);
  setSessionCookie(c, token, session.expiresAt, options.secure);
}
