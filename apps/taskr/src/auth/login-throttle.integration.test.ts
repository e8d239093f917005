import { afterEach, describe, expect, it } from "vitest";
import { startTaskrServer, TEST_PASSWORD } from "../testing/taskr-server";

type Taskr = Awaited<ReturnType<typeof startTaskrServer>>;
const started: Taskr[] = [];
const start = async (options: Parameters<typeof startTaskrServer>[0]) => {
  const taskr = await startTaskrServer(options);
  started.push(taskr);
  return taskr;
};

afterEach(async () => {
  for (const taskr of started.splice(0)) await taskr.close();
});

const login = (taskr: Taskr, username: string, password = "wrong password", from?: string) =>
  taskr.post(
    "/auth/login",
    { username, password },
    { headers: from ? { "x-forwarded-for": from } : {} },
  );

const answer = async (response: Response) => ({
  status: response.status,
  retryAfter: response.headers.get("retry-after"),
  code: (await response.json()).error?.code,
});

describe("login throttling", { timeout: 60_000 }, () => {
  it("lets five of thirty parallel guesses at one username be checked, no more", async () => {
    const taskr = await start({ signupMode: "open" });
    await taskr.post("/auth/signup", { username: "ada", password: TEST_PASSWORD });
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => login(taskr, "ada").then((response) => response.status)),
    );
    expect(answers.filter((status) => status === 401)).toHaveLength(5);
    expect(answers.filter((status) => status === 429)).toHaveLength(25);
  });

  it("locks a username after five wrong passwords, the right one too, known or not", async () => {
    const taskr = await start({ signupMode: "open" });
    await taskr.post("/auth/signup", { username: "ada", password: TEST_PASSWORD });
    for (const username of ["ada", "nobody"]) {
      for (let attempt = 1; attempt <= 5; attempt++) {
        expect((await login(taskr, username)).status).toBe(401);
      }
    }
    const locked = await answer(await login(taskr, "ada", TEST_PASSWORD));
    expect(locked).toEqual({ status: 429, retryAfter: "1", code: "too_many_attempts" });
    expect(await answer(await login(taskr, "nobody", TEST_PASSWORD))).toEqual(locked);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await login(taskr, "ada", TEST_PASSWORD)).status).toBe(200);
    // The right password cleared the username's count: one slip locks nothing.
    expect((await login(taskr, "ada")).status).toBe(401);
    expect((await login(taskr, "ada", TEST_PASSWORD)).status).toBe(200);
  });

  it("locks an address after twenty failures across usernames, whatever X-Forwarded-For says", async () => {
    const taskr = await start({ signupMode: "open" });
    for (let attempt = 1; attempt <= 20; attempt++) {
      const response = await login(taskr, `user${attempt}`, undefined, `203.0.113.${attempt}`);
      expect(response.status).toBe(401);
    }
    const locked = await answer(await login(taskr, "someone-new", undefined, "198.51.100.1"));
    expect(locked).toEqual({ status: 429, retryAfter: "1", code: "too_many_attempts" });
  });

  it("with TRUST_PROXY=1, counts the address the proxy saw, not what the client prepended", async () => {
    const taskr = await start({ signupMode: "open", trustedProxies: 1 });
    for (let attempt = 1; attempt <= 20; attempt++) {
      await login(taskr, `user${attempt}`, undefined, `198.51.100.${attempt}, 203.0.113.1`);
    }
    expect((await login(taskr, "someone-new", undefined, "203.0.113.1")).status).toBe(429);
    expect((await login(taskr, "someone-new", undefined, "203.0.113.1, 203.0.113.2")).status).toBe(
      401,
    );
  });

  it("takes as long to refuse an unknown username as a wrong password", async () => {
    const taskr = await start({ signupMode: "open" });
    await taskr.post("/auth/signup", { username: "ada", password: TEST_PASSWORD });
    const timed = async (username: string) => {
      const started = performance.now();
      expect((await login(taskr, username)).status).toBe(401);
      return performance.now() - started;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let round = 0; round < 4; round++) {
      known.push(await timed("ada"));
      unknown.push(await timed(`nobody${round}`));
    }
    const median = (times: number[]) => times.sort((a, b) => a - b)[times.length >> 1]!;
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
  });
});

describe("the cap on concurrent password hashing", { timeout: 60_000 }, () => {
  it("answers 503 busy with Retry-After when the waiting line is full, and serves the rest", async () => {
    const taskr = await start({ signupMode: "open", hashingLimits: { concurrency: 1, queue: 1 } });
    const answers = await Promise.all(
      Array.from({ length: 8 }, async (_, index) => answer(await login(taskr, `user${index}`))),
    );
    const busy = answers.filter((each) => each.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy[0]).toEqual({ status: 503, retryAfter: "1", code: "busy" });
    expect(answers.filter((each) => each.status === 401).length).toBeGreaterThanOrEqual(2);

    const signups = await Promise.all(
      Array.from({ length: 8 }, async (_, index) =>
        answer(
          await taskr.post("/auth/signup", { username: `new${index}`, password: TEST_PASSWORD }),
        ),
      ),
    );
    expect(signups.filter((each) => each.status === 503)[0]).toEqual(busy[0]);
    expect(signups.filter((each) => each.status === 201).length).toBeGreaterThanOrEqual(2);
  });
});

describe("open sign-up (sandbox mode)", { timeout: 60_000 }, () => {
  it("makes the first account the admin, the next members, and refuses a taken name", async () => {
    const taskr = await start({ signupMode: "open" });
    expect(await (await fetch(`${taskr.url}/auth/signup`)).json()).toEqual({ mode: "open" });
    const first = await taskr.post("/auth/signup", { username: "ada", password: TEST_PASSWORD });
    expect((await first.json()).user.role).toBe("admin");
    const second = await taskr.post("/auth/signup", { username: "bob", password: TEST_PASSWORD });
    expect((await second.json()).user.role).toBe("member");
    const taken = await taskr.post("/auth/signup", { username: "ADA", password: TEST_PASSWORD });
    expect(taken.status).toBe(409);
    expect((await taken.json()).error.code).toBe("username_unavailable");
  });

  it("counts refused sign-ups against the address", async () => {
    const taskr = await start({ signupMode: "open" });
    await taskr.post("/auth/signup", { username: "ada", password: TEST_PASSWORD });
    for (let attempt = 1; attempt <= 20; attempt++) {
      await taskr.post("/auth/signup", { username: "ada", password: TEST_PASSWORD });
    }
    const locked = await taskr.post("/auth/signup", { username: "eve", password: TEST_PASSWORD });
    expect(await answer(locked)).toEqual({
      status: 429,
      retryAfter: "1",
      code: "too_many_attempts",
    });
  });
});
