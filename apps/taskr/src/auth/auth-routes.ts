import { eq } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { z } from "zod";
import { users } from "../db/schema";
import type { TaskrEnv } from "../env";
import { busy, failure, tooManyAttempts, userView } from "./answers";
import { requestAddress } from "./client-address";
import { BusyError } from "./limiter";
import { oneAtATime } from "./one-at-a-time";
import { clearSessionCookie } from "./session-cookie";
import { invalidateSession } from "./sessions";
import { type AuthOptions, password, startSession, username } from "./sign-in";
import { signupRoutes } from "./signup-routes";
import { accountKey, addressKey, type ThrottleKey } from "./throttle";

const credentials = z.object({ username, password });

export function authRoutes(options: AuthOptions) {
  const { db, passwords, throttle } = options;
  const app = new Hono<TaskrEnv>();

  app.onError((error, c) => {
    if (error instanceof BusyError) return busy(c);
    throw error;
  });

  app.get("/me", (c) => {
    const user = c.get("user");
    return c.json({ user: user ? userView(user) : null });
  });

  const perAccount = oneAtATime();

  app.post("/login", async (c) => {
    const parsed = credentials.safeParse(await c.req.json().catch(() => null));
    const address = addressKey(requestAddress(c, options.trustedProxies));
    const keys = parsed.success ? [accountKey(parsed.data.username), address] : [address];
    return perAccount(keys[0]!.key, () => login(c, parsed, keys));
  });

  async function login(
    c: Context<TaskrEnv>,
    parsed: ReturnType<typeof credentials.safeParse>,
    keys: ThrottleKey[],
  ): Promise<Response> {
    const wait = await throttle.retryAfter(keys);
    if (wait > 0) return tooManyAttempts(c, wait);
    const wrong = async () => {
      await throttle.recordFailure(keys);
      return c.json(failure("wrong_credentials", "Wrong username or password"), 401);
    };
    if (!parsed.success) return wrong();
    const [user] = await db.select().from(users).where(eq(users.username, parsed.data.username));
    if (!user) {
      // The same argon2 work as a real check: how long the answer takes says nothing either.
      await passwords.verifyNothing(parsed.data.password);
      return wrong();
    }
    if (!(await passwords.verify(user.passwordHash, parsed.data.password))) return wrong();
    await throttle.forget(accountKey(user.username));
    await startSession(c, options, user.id);
    return c.json({ user: userView(user) });
  }

  app.post("/logout", async (c) => {
    const session = c.get("session");
    if (session) await invalidateSession(db, session.id);
    clearSessionCookie(c, options.secure);
    return c.json({ ok: true });
  });

  app.route("/", signupRoutes(options));
  return app;
}
