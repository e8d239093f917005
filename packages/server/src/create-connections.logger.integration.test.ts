import { PGlite } from "@electric-sql/pglite";
import { type Sandbox, startSandbox } from "@x/sandbox";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { consoleLogger, type Logger } from "./shared/logger";
import { createPgliteStore } from "./store/pglite-store";
import {
  asUser,
  connectThroughSandbox,
  createHost,
  json,
  MOUNT,
  makeConnectionsDue,
  parseIdentity,
} from "./testing/harness";

// Issue #16 item 5: what the host sees of the kit's unexpected errors, through `logger`.

type Line = { level: keyof Logger; fields: Record<string, unknown>; message: string };
const lines: Line[] = [];
const recorder: Logger = {
  error: (fields, message) => lines.push({ level: "error", fields, message }),
  warn: (fields, message) => lines.push({ level: "warn", fields, message }),
  info: (fields, message) => lines.push({ level: "info", fields, message }),
  debug: (fields, message) => lines.push({ level: "debug", fields, message }),
};

/** The host's session store, which can fail as any dependency can. */
class SessionStoreError extends Error {
  override name = "SessionStoreError";
}

const alice = { provider: "attio", tenantId: "acme", userId: "alice" };
const TOKEN_PATTERN = /sbx_(at|rt|ac)_/;
let sandbox: Sandbox;
const client = new PGlite();
let host: ReturnType<typeof createHost>;

beforeAll(async () => {
  sandbox = await startSandbox();
  host = createHost({
    store: createPgliteStore({ client }),
    sandboxUrl: sandbox.url,
    settings: {
      logger: recorder,
      identify: async (c) => {
        const user = c.req.header("x-test-user");
        if (user === "throws") throw new SessionStoreError("session store unreachable");
        if (user === "rejects")
          return Promise.reject(new SessionStoreError("session expired badly"));
        return parseIdentity(user);
      },
      onEvent: () => {
        throw new Error("the host's onEvent failed");
      },
    },
  });
  await host.connections.ready();
});

afterAll(async () => {
  await host.connections.close();
  await sandbox.close();
  await client.close();
});

beforeEach(() => {
  lines.length = 0;
});

describe("an error thrown inside identify()", () => {
  it.each(["throws", "rejects"])(
    "reaches the logger with its message and stack when identify() %s; the browser gets internal_error only",
    async (user) => {
      const response = await host.app.request(`${MOUNT}/providers`, asUser(user));
      expect(response.status).toBe(500);
      expect(await json(response)).toEqual({
        error: { code: "internal_error", message: "Something went wrong" },
      });
      expect(lines).toHaveLength(1);
      const [line] = lines;
      expect(line).toMatchObject({
        level: "error",
        message: "@x/server: unexpected error in a route",
        fields: { method: "GET" },
      });
      const error = line!.fields.err as Error;
      expect(error).toBeInstanceOf(SessionStoreError);
      expect(error.message).toMatch(/^session /);
      expect(error.stack).toContain("create-connections.logger.test.ts");
    },
  );

  it("is printed with its message and stack by the default logger (the console)", () => {
    const printed: unknown[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...args) => printed.push(...args));
    try {
      const error = new SessionStoreError("session store unreachable");
      consoleLogger.error({ err: error, method: "GET", route: "/*" }, "@x/server: unexpected");
      const [text] = printed as string[];
      expect(text).toContain('@x/server: unexpected {"method":"GET","route":"/*"}');
      expect(text).toContain("SessionStoreError: session store unreachable");
      expect(text).toMatch(/\n\s+at .*create-connections\.logger\.test\.ts/);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("the logger's fields", () => {
  afterEach(() => {
    sandbox.knobs.failNextToken = null;
  });

  it("never carry a token or a client secret, over a connect, refreshes, failures and refusals", async () => {
    await connectThroughSandbox(host.app, "acme:alice");
    await makeConnectionsDue(client);
    await host.connections.getCredential(alice);
    // A provider's error text may hold anything; a token-like one here.
    sandbox.knobs.failNextToken = {
      status: 500,
      body: { error: "server_error", error_description: "sbx_rt_leaked sbx_at_leaked" },
    };
    await makeConnectionsDue(client);
    await host.connections.getCredential(alice).catch(() => {});
    await host.app.request(`${MOUNT}/connections`, {
      method: "POST",
      headers: { "x-test-user": "acme:alice", origin: "https://evil.example" },
    });
    await host.app.request(`${MOUNT}/connections`, asUser("throws"));
    await host.connections.worker.tick();
    await new Promise((resolve) => setTimeout(resolve, 50)); // onEvent runs after the answer

    const messages = new Set(lines.map((line) => line.message));
    expect(messages).toContain("@x/server: unexpected error in a route");
    expect(messages).toContain("@x/server: refused a cross-site request");
    expect([...messages].some((message) => message.includes("onEvent"))).toBe(true);
    const written = JSON.stringify(lines.map((line) => ({ ...line, fields: asPino(line.fields) })));
    expect(written).not.toMatch(TOKEN_PATTERN);
    expect(written).not.toContain("taskr-sandbox-secret");
  });
});

/** The fields as pino's standard serializers would write them: an Error with all it holds. */
function asPino(fields: Record<string, unknown>): Record<string, unknown> {
  const serialize = (value: unknown): unknown =>
    value instanceof Error
      ? {
          type: value.name,
          message: value.message,
          stack: value.stack,
          ...Object.fromEntries(Object.entries(value)),
          cause: serialize(value.cause),
        }
      : value;
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, serialize(value)]));
}
