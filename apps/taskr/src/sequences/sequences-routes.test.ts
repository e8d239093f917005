import { ConnectionRequiredError, type Connections } from "@x/server";
import { Hono } from "hono";
import { describe, expect, it, vi } from "vitest";
import type { User } from "../db/schema";
import type { TaskrEnv } from "../env";
import { testUser } from "../testing/test-user";
import { type EnrollmentResult, offlineSequencer } from "./mail-sequencer";
import { sequencesRoutes } from "./sequences-routes";

const API_KEY = "msq_live_7f3a9c1e5b2d8f4a";
const user = testUser;

function appWith(
  getUserConnection: Connections["getUserConnection"],
  send = offlineSequencer,
  signedIn: User | null = user,
) {
  const connections = { getUserConnection } as unknown as Connections;
  const app = new Hono<TaskrEnv>();
  app.use(async (c, next) => {
    c.set("user", signedIn);
    await next();
  });
  app.route("/api/sequences", sequencesRoutes(connections, send));
  return app;
}

const enroll = (app: Hono<TaskrEnv>, body: unknown) =>
  app.request("/api/sequences", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

const savedKey = vi.fn(async () => ({ value: API_KEY }) as never);

describe("POST /api/sequences", () => {
  it("enrolls with the user's own key, and the key never comes back", async () => {
    const response = await enroll(appWith(savedKey), { email: "grace@example.com" });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      enrolled: "grace@example.com",
      sequenceId: 1,
      authorized: true,
    });
    expect(text).not.toContain(API_KEY);
    expect(savedKey).toHaveBeenCalledWith({
      provider: "mail-sequencer",
      tenantId: "taskr",
      userId: "user-1",
    });
  });

  it("sends the key as a Bearer token, and only in the header", async () => {
    let sent: Request | undefined;
    const send = async (request: Request): Promise<EnrollmentResult> => {
      sent = request.clone();
      return offlineSequencer(request);
    };
    await enroll(appWith(savedKey, send), { email: "grace@example.com", sequenceId: 7 });
    expect(sent?.headers.get("authorization")).toBe(`Bearer ${API_KEY}`);
    const body = await sent!.text();
    expect(JSON.parse(body)).toEqual({ email: "grace@example.com", sequenceId: 7, mailboxId: 1 });
    expect(body).not.toContain(API_KEY);
  });

  it("answers 409 connection_required when no key is saved", async () => {
    const missing = async () => {
      throw new ConnectionRequiredError("mail-sequencer");
    };
    const response = await enroll(appWith(missing), { email: "grace@example.com" });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({
      error: { code: "connection_required", provider: "mail-sequencer" },
    });
  });

  it("does not log or return the key when the tool fails", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const failing = async (request: Request): Promise<EnrollmentResult> => {
      throw new Error(`refused ${request.headers.get("authorization")}`);
    };
    const response = await enroll(appWith(savedKey, failing), { email: "grace@example.com" });
    expect(response.status).toBe(502);
    expect(await response.text()).not.toContain(API_KEY);
    expect(log.mock.calls.flat().join(" ")).not.toContain(API_KEY);
    log.mockRestore();
  });

  it("rejects a malformed e-mail and an anonymous caller", async () => {
    const bad = await enroll(appWith(savedKey), { email: "not-an-email" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_request" } });
    const anonymous = await enroll(appWith(savedKey, offlineSequencer, null), {
      email: "grace@example.com",
    });
    expect(anonymous.status).toBe(401);
  });
});
