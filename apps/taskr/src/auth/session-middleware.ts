import type { MiddlewareHandler } from "hono";
import type { TaskrDatabase } from "../db/open-database";
import type { TaskrEnv } from "../env";
import { clearSessionCookie, readSessionCookie, setSessionCookie } from "./session-cookie";
import { validateSessionToken } from "./sessions";

export const sessionMiddleware = (
  db: TaskrDatabase,
  secure: boolean,
): MiddlewareHandler<TaskrEnv> =>
  async function session(c, next) {
    const token = readSessionCookie(c);
    const found = token ? await validateSessionToken(db, token) : null;
    if (token && !found) clearSessionCookie(c, secure);
    if (token && found) setSessionCookie(c, token, found.session.expiresAt, secure);
    c.set("user", found?.user ?? null);
    c.set("session", found?.session ?? null);
    await next();
  };
