import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invites, users } from "../db/schema";
import {
  sessionCookie,
  startTaskrServer,
  TEST_BASE_URL,
  TEST_PASSWORD,
} from "../testing/taskr-server";
import { armFirstAdminInvite, inviteIdOf } from "./invites";

// Outside sandbox mode: the first admin from configuration, everyone else by an admin's invite.
const FIRST_ADMIN = { username: "root", code: "first-admin-invite-0123456789abcdef" };
let taskr: Awaited<ReturnType<typeof startTaskrServer>>;
let adminCookie: string;

beforeAll(async () => {
  taskr = await startTaskrServer({ signupMode: "invite" });
});

afterAll(() => taskr?.close());

const invite = async (username: string, as = adminCookie) =>
  taskr.post("/auth/invites", { username }, { as });

describe("sign-up outside sandbox mode (invite only)", () => {
  it("refuses to start with no admin and no first-admin settings, naming the variables", async () => {
    await expect(armFirstAdminInvite(taskr.db, undefined)).rejects.toThrow(
      /TASKR_ADMIN_USERNAME and TASKR_ADMIN_INVITE/,
    );
  });

  it("says sign-up is by invite, and creates no account without one", async () => {
    expect(await (await fetch(`${taskr.url}/auth/signup`)).json()).toEqual({ mode: "invite" });
    const open = await taskr.post("/auth/signup", { username: "root", password: TEST_PASSWORD });
    expect(open.status).toBe(400);
    expect((await open.json()).error).toEqual({
      code: "invalid_request",
      message: "Paste the invite code your admin sent you",
    });
    expect(await taskr.db.select().from(users)).toEqual([]);
  });

  it("makes the configured first admin, once", async () => {
    expect(await armFirstAdminInvite(taskr.db, FIRST_ADMIN)).toBe("invite_armed");
    const lookup = await taskr.post("/auth/invites/lookup", { invite: FIRST_ADMIN.code });
    expect(await lookup.json()).toMatchObject({ username: "root" });

    const signup = await taskr.post("/auth/signup", {
      invite: FIRST_ADMIN.code,
      password: TEST_PASSWORD,
    });
    expect(signup.status).toBe(201);
    expect((await signup.json()).user).toMatchObject({ username: "root", role: "admin" });
    adminCookie = sessionCookie(signup);

    const again = await taskr.post("/auth/signup", {
      invite: FIRST_ADMIN.code,
      password: TEST_PASSWORD,
    });
    expect(again.status).toBe(400);
    expect((await again.json()).error.code).toBe("invalid_invite");
    // A restart with the settings still there arms nothing: Taskr has its admin.
    expect(await armFirstAdminInvite(taskr.db, FIRST_ADMIN)).toBe("has_admin");
  });

  it("answers a sign-up without a valid invite the same whether its name exists or not", async () => {
    const answers = [];
    for (const username of ["root", "nobody"]) {
      for (const body of [
        { username, password: TEST_PASSWORD },
        { username, invite: "made-up-code", password: TEST_PASSWORD },
      ]) {
        const response = await taskr.post("/auth/signup", body);
        answers.push(`${response.status} ${await response.text()}`);
      }
    }
    expect(answers.slice(2)).toEqual(answers.slice(0, 2));
    expect(answers.join()).not.toMatch(/taken|exists|root|nobody/);
  });

  it("lets an admin's invite in exactly its username, once, as a member", async () => {
    const created = await invite("carol");
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const { code, url } = (await created.json()).invite;
    expect(url).toBe(`${TEST_BASE_URL}/signup#invite=${code}`);

    const signup = await taskr.post("/auth/signup", {
      invite: code,
      password: TEST_PASSWORD,
      username: "mallory",
    });
    expect(signup.status).toBe(201);
    expect((await signup.json()).user).toMatchObject({ username: "carol", role: "member" });

    const reused = await taskr.post("/auth/signup", { invite: code, password: TEST_PASSWORD });
    expect(await reused.json()).toMatchObject({ error: { code: "invalid_invite" } });
    const used = await taskr.post("/auth/invites/lookup", { invite: code });
    expect(await used.json()).toMatchObject({ error: { code: "invalid_invite" } });
    const login = await taskr.post("/auth/login", { username: "carol", password: TEST_PASSWORD });
    expect(login.status).toBe(200);

    const member = await invite("dave", sessionCookie(login));
    expect(member.status).toBe(403);
    expect((await taskr.post("/auth/invites", { username: "dave" })).status).toBe(401);
  });

  it("answers a used, expired, replaced or made-up code alike, whatever name it is for", async () => {
    const expired = (await (await invite("erin")).json()).invite.code;
    await taskr.db
      .update(invites)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(invites.id, inviteIdOf(expired)));
    const replaced = (await (await invite("frank")).json()).invite.code;
    const current = (await (await invite("frank")).json()).invite.code;
    const answers = [];
    for (const code of [expired, replaced, "made-up-code", FIRST_ADMIN.code]) {
      const response = await taskr.post("/auth/signup", { invite: code, password: TEST_PASSWORD });
      answers.push({ status: response.status, body: await response.json() });
    }
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(answers[0]).toMatchObject({ status: 400, body: { error: { code: "invalid_invite" } } });
    const lookup = await taskr.post("/auth/invites/lookup", { invite: replaced });
    expect(JSON.stringify(await lookup.json())).toBe(JSON.stringify(answers[0]!.body));
    // The newest invite for a name is the one that works.
    const signup = await taskr.post("/auth/signup", { invite: current, password: TEST_PASSWORD });
    expect((await signup.json()).user.username).toBe("frank");
  });

  it("invites only free usernames, and tells the admin when one is taken", async () => {
    const taken = await invite("CAROL");
    expect(taken.status).toBe(409);
    expect((await taken.json()).error.code).toBe("username_unavailable");
  });

  it("stores only the SHA-256 of a code, and gives one account to two racing sign-ups", async () => {
    const { code } = (await (await invite("grace")).json()).invite;
    expect(JSON.stringify(await taskr.db.select().from(invites))).not.toContain(code);
    const racing = await Promise.all(
      [1, 2].map(() => taskr.post("/auth/signup", { invite: code, password: TEST_PASSWORD })),
    );
    expect(racing.map((response) => response.status).sort()).toEqual([201, 400]);
    expect(await taskr.db.select().from(users).where(eq(users.username, "grace"))).toHaveLength(1);
  });
});
