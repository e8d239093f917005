import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Env } from "./env";
import { errorHandler } from "./error-response";
import { byStatus, serve, servedBy } from "./operation";

const alice = { tenantId: "acme", userId: "alice" };

function app(identity: typeof alice | null) {
  const made = new Hono<Env>();
  made.onError(errorHandler(() => {}));
  made.use(async (c, next) => {
    c.set("identity", identity);
    await next();
  });
  return made;
}

const echo = z.object({ word: z.string() }).strict();

describe("serve() and servedBy()", () => {
  it("reads the operations back from Hono's own route table, as mounted, without middleware", () => {
    const root = app(alice);
    const sub = new Hono<Env>();
    serve(sub, {
      method: "post",
      path: "/echo/:id",
      operationId: "echo",
      summary: "Echo",
      caller: "user",
      body: { schema: echo },
      replies: { 200: { description: "The word", json: echo } },
      errors: [],
      handle: async (c, { body }) => c.json(await body(), 200),
    });
    root.route("/", sub);
    root.all("*", (c) => c.text("nothing here", 404));
    expect(servedBy(root).map(({ path, operation }) => [operation.method, path])).toEqual([
      ["post", "/echo/:id"],
    ]);
  });

  it("refuses to describe an app with a route that was added without serve()", () => {
    const root = app(alice);
    root.get("/undocumented", (c) => c.text("hidden"));
    expect(() => servedBy(root)).toThrow("GET /undocumented is routed without serve()");
  });

  it("checks the caller before it reads the body, and parses the body with the declared schema", async () => {
    const operation = {
      method: "post",
      path: "/echo",
      operationId: "echo",
      summary: "Echo",
      caller: "user",
      body: { schema: echo },
      replies: { 200: { description: "The word", json: echo } },
      errors: [],
      handle: async (c, { body }) => c.json(await body(), 200),
    } as const satisfies Parameters<typeof serve>[1];
    const signedOut = app(null);
    serve(signedOut, operation);
    const garbage = { method: "POST", body: "{" };
    expect((await signedOut.request("/echo", garbage)).status).toBe(401);

    const signedIn = app(alice);
    serve(signedIn, operation);
    expect((await signedIn.request("/echo", garbage)).status).toBe(400);
    const extra = await signedIn.request("/echo", {
      method: "POST",
      body: JSON.stringify({ word: "hi", more: 1 }),
    });
    expect(extra.status).toBe(400);
    const fine = await signedIn.request("/echo", { method: "POST", body: '{"word":"hi"}' });
    expect(await fine.json()).toEqual({ word: "hi" });
  });
});

describe("byStatus()", () => {
  it("groups codes under the status shared/errors.ts gives each, once", () => {
    expect(
      Object.fromEntries(
        byStatus(["not_found", "store_unavailable", "unknown_provider", "not_found", "forbidden"]),
      ),
    ).toEqual({
      403: ["forbidden"],
      404: ["not_found", "unknown_provider"],
      503: ["store_unavailable"],
    });
  });
});
