import { type Sandbox, startSandbox } from "@x/sandbox";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asUser, createHost, json, MOUNT } from "../testing/harness";
import { pgliteForFile } from "../testing/pglite";
import { MAX_BODY_BYTES } from "./request-body";
import { connectBody, renameBody, secretBody } from "./schemas";

// Garbage in, a clear 4xx out: never a 500, never a stored row.

// No table emptied between tests: the connection saved first is the one every rename fuzzes.
const { client, store } = pgliteForFile([]);
let sandbox: Sandbox;
let host: ReturnType<typeof createHost>;
let renameTarget: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  host = createHost({ store, sandboxUrl: sandbox.url });
  await host.connections.ready();
  const saved = await host.app.request(
    `${MOUNT}/connections`,
    asUser("acme:alice", {
      method: "POST",
      body: JSON.stringify({ provider: "mail-sequencer", secret: "ms-key" }),
    }),
  );
  renameTarget = (await json(saved)).connection.id;
});

afterAll(async () => {
  await sandbox.close();
});

async function rowCount(): Promise<number> {
  const { rows } = await client.query<{ count: number }>(
    "select count(*)::int as count from x_connections",
  );
  return rows[0]?.count ?? 0;
}

/** A 4xx whose body is `{ error: { code, message } }` with words in both. */
async function expectClearError(response: Response, context: string): Promise<string> {
  expect(response.status, context).toBeGreaterThanOrEqual(400);
  expect(response.status, context).toBeLessThan(500);
  const body = await json(response);
  expect(body, context).toEqual({
    error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
  });
  expect(body.error.code).toMatch(/^[a-z_]+$/);
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error.code;
}

// Callback queries: the known names, any name, and values from empty to huge and binary.
const paramName = fc.oneof(
  fc.constantFrom("code", "state", "iss", "error", "error_description", "response", "__proto__"),
  fc.string({ maxLength: 12 }),
);
const paramValue = fc.oneof(
  fc.string({ unit: "binary", maxLength: 64 }),
  fc.constantFrom("", "access_denied", "null", "[]", "sbx_ac_x", "https://evil.example"),
  fc.string({ minLength: 2000, maxLength: 4000 }),
);
const queryPairs = fc.array(fc.tuple(paramName, paramValue), { maxLength: 8 });

const search = (pairs: Array<[string, string]>) => new URLSearchParams(pairs).toString();

describe("fuzzing the callback query", () => {
  it("answers any query without a live state with 400 invalid_state and stores nothing", async () => {
    const before = await rowCount();
    await fc.assert(
      fc.asyncProperty(queryPairs, fc.boolean(), async (pairs, signedIn) => {
        const path = `${MOUNT}/callback?${search(pairs)}`;
        const response = await host.app.request(path, signedIn ? asUser("acme:alice") : {});
        expect(await expectClearError(response, path)).toBe("invalid_state");
      }),
      { numRuns: 150, endOnFailure: true },
    );
    expect(await rowCount()).toBe(before);
  });

  it("ends a live flow given garbage beside its state in a 303 or a 400 page, never a 500", async () => {
    const before = await rowCount();
    await fc.assert(
      fc.asyncProperty(queryPairs, fc.constantFrom("popup", "redirect"), async (pairs, mode) => {
        const started = await host.app.request(
          `${MOUNT}/connect/attio`,
          asUser("acme:alice", { method: "POST", body: JSON.stringify({ mode }) }),
        );
        const state = new URL((await json(started)).authorizeUrl).searchParams.get("state");
        const path = `${MOUNT}/callback?${search([["state", state ?? ""], ...pairs])}`;
        const response = await host.app.request(path, asUser("acme:alice"));
        expect([303, 400], path).toContain(response.status);
        if (response.headers.get("content-type")?.includes("application/json")) {
          await expectClearError(response, path);
        }
      }),
      { numRuns: 40, endOnFailure: true },
    );
    expect(await rowCount()).toBe(before);
  });
});

// JSON bodies: right keys with wrong types, unknown and prototype keys, any JSON, any text.
const fieldName = fc.constantFrom("mode", "visibility", "returnTo", "provider", "secret", "name");
const hostileKey = fc.constantFrom("__proto__", "constructor", "prototype", "toString");
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ unit: "binary", maxLength: 50 }),
  fc.string({ minLength: 16_000, maxLength: 17_000 }),
  fc.constantFrom("popup", "redirect", "user", "workspace", "mail-sequencer", "/home", "//x"),
);
const bodyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(fc.oneof(fieldName, hostileKey, fc.string({ maxLength: 8 })), anyValue, {
    maxKeys: 5,
  }),
  fc.record(
    { provider: anyValue, secret: anyValue, name: anyValue, visibility: anyValue },
    { requiredKeys: [] },
  ),
);
const pollution = fc.constantFrom(
  '{"__proto__":{"polluted":true},"name":"x"}',
  '{"constructor":{"prototype":{"polluted":true}},"secret":"s","provider":"mail-sequencer"}',
  '{"name":"a","name":{"__proto__":{"polluted":true}}}',
);
/** The raw text sent: JSON of a value, a pollution attempt, or any text at all. */
const bodyText = fc.oneof(
  { weight: 6, arbitrary: bodyValue.map((value) => JSON.stringify(value) ?? "") },
  { weight: 1, arbitrary: pollution },
  { weight: 2, arbitrary: fc.string({ maxLength: 60 }) },
);

/** What the route would accept, by the schema it parses with: anything else must be a 4xx. */
function parses(
  schema: { safeParse(value: unknown): { success: boolean } },
  text: string,
  empty?: unknown,
) {
  if (text.trim() === "") return empty !== undefined && schema.safeParse(empty).success;
  try {
    return schema.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}

describe("fuzzing the JSON bodies", () => {
  const routes = [
    {
      method: "POST",
      name: "/connect/attio",
      path: () => `${MOUNT}/connect/attio`,
      schema: connectBody,
      empty: {},
    },
    {
      method: "POST",
      name: "/connections",
      path: () => `${MOUNT}/connections`,
      schema: secretBody,
    },
    {
      method: "PATCH",
      name: "/connections/:id",
      path: () => `${MOUNT}/connections/${renameTarget}`,
      schema: renameBody,
    },
  ] as const;

  for (const route of routes) {
    it(`${route.method} ${route.name}: a bad body is a clear 4xx and stores no row`, async () => {
      await fc.assert(
        fc.asyncProperty(bodyText, async (text) => {
          const before = await rowCount();
          const response = await host.app.request(
            route.path(),
            asUser("acme:alice", { method: route.method, body: text }),
          );
          const context = `${route.method} ${text.slice(0, 200)}`;
          expect(response.status, context).not.toBe(500);
          const valid = parses(route.schema, text, "empty" in route ? route.empty : undefined);
          const tooLarge = Buffer.byteLength(text) > MAX_BODY_BYTES;
          if (tooLarge) expect(await expectClearError(response, context)).toBe("payload_too_large");
          else if (!valid)
            expect(await expectClearError(response, context)).toBe("invalid_request");
          else if (response.status >= 400) await expectClearError(response, context);
          const created = response.status === 201 ? 1 : 0;
          expect(await rowCount(), context).toBe(before + created);
        }),
        // Each run is an HTTP request and a database read: shrinking a large failing body would
        // take far longer than the suite may, so report the first failure as found.
        { numRuns: 120, endOnFailure: true },
      );
      expect(Object.keys(Object.prototype)).toEqual([]);
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    });
  }

  it("refuses a body over the limit with 413 payload_too_large before reading it", async () => {
    const before = await rowCount();
    const huge = JSON.stringify({ provider: "mail-sequencer", secret: "x".repeat(MAX_BODY_BYTES) });
    const response = await host.app.request(
      `${MOUNT}/connections`,
      asUser("acme:alice", { method: "POST", body: huge }),
    );
    expect(response.status).toBe(413);
    expect((await json(response)).error.code).toBe("payload_too_large");
    expect(await rowCount()).toBe(before);
  });
});
