import { type Recorder, type Sandbox, startRecorder, startSandbox } from "@x/sandbox";
import { beforeAll, describe, expect, it } from "vitest";
import { saveConnection } from "../connections/repository";
import { secret } from "../providers/secret";
import { dataKeysRepository } from "../store/data-keys-repository";
import {
  asUser,
  connectThroughSandbox,
  consent,
  createHost,
  json,
  MOUNT,
  sandboxAttio,
  TEST_KEYS,
} from "../testing/harness";
import { pgliteForFile } from "../testing/pglite";
import { createVault, envKeyProvider, parseKeyring } from "../vault";

// Input a caller or a provider sends that the kit must refuse cleanly (docs/security.md).

const { client, store, closers } = pgliteForFile(["x_connections", "x_oauth_flows"]);
let sandbox: Sandbox;
let attacker: Recorder;

beforeAll(async () => {
  [sandbox, attacker] = await Promise.all([startSandbox(), startRecorder()]);
  return async () => {
    await sandbox.close();
    await attacker.close();
  };
});

function host() {
  const made = createHost({
    store,
    sandboxUrl: sandbox.url,
    providers: [
      sandboxAttio(sandbox.url),
      // Its record names a script where the authorize endpoint belongs.
      {
        ...sandboxAttio(sandbox.url),
        name: "scripted",
        authorizationEndpoint: "javascript:alert(1)",
      },
      secret({ name: "mail-sequencer", apiOrigins: [sandbox.url] }),
    ],
  });
  closers.push(() => made.connections.close());
  return made;
}

const countRows = async (table: string) =>
  (await client.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!.n;

const alice = { provider: "attio", tenantId: "acme", userId: "alice" };

describe("the authorize URL the browser is sent to", () => {
  it("is never built from a non-http(s) authorization endpoint, whatever the provider record says", async () => {
    const response = await host().app.request(
      `${MOUNT}/connect/scripted`,
      asUser("acme:alice", { method: "POST", body: "{}" }),
    );
    expect(response.status).toBe(502);
    expect((await json(response)).error.code).toBe("unsafe_url");
    expect(await countRows("x_oauth_flows")).toBe(0);
  });
});

describe("connections.fetch()", () => {
  it("refuses to send the Attio token to another origin, before anything is sent", async () => {
    const made = host();
    await connectThroughSandbox(made.app, "acme:alice");
    await expect(made.connections.fetch(alice, `${attacker.origin}/echo`)).rejects.toMatchObject({
      code: "origin_not_allowed",
    });
    expect(attacker.requests).toEqual([]);
    const tasks = await made.connections.fetch(alice, `${sandbox.url}/v2/tasks`);
    expect(tasks.status).toBe(200);
  });

  it("never quotes a stored credential a header cannot carry in its error", async () => {
    const made = host();
    await made.connections.ready();
    // Stored before entry was checked: the backend must still fail without repeating it.
    const vault = createVault({
      keys: envKeyProvider(parseKeyring(TEST_KEYS, "TEST_KEYS")),
      dataKeys: dataKeysRepository(() => store.open()),
    });
    await saveConnection(await store.open(), vault, {
      tenantId: "acme",
      provider: "mail-sequencer",
      visibility: "user",
      userId: "alice",
      credential: { type: "secret", secret: "sk_live_secret\r\nX-Injected: 1" },
      scopes: [],
      name: null,
      handle: null,
      accountId: null,
      expiresAt: null,
      nextRefreshAt: null,
      nextCheckAt: null,
    });
    const failure = await made.connections
      .fetch({ ...alice, provider: "mail-sequencer" }, `${sandbox.url}/v2/self`)
      .catch((error: Error & { code: string }) => error);
    expect(failure).toMatchObject({ code: "invalid_credential" });
    expect(String((failure as Error).message)).not.toContain("sk_live");
  });
});

describe("a secret pasted by a user", () => {
  it.each(["sk_live_abc\r\nX-Injected: 1", "sk_live_abc\n", "sk\u0000live", " sk_live_abc"])(
    "refuses %j at entry with 400 invalid_secret, and stores nothing",
    async (value) => {
      const response = await host().app.request(
        `${MOUNT}/connections`,
        asUser("acme:alice", {
          method: "POST",
          body: JSON.stringify({ provider: "mail-sequencer", secret: value }),
        }),
      );
      expect(response.status).toBe(400);
      const body = await json(response);
      expect(body.error.code).toBe("invalid_secret");
      expect(JSON.stringify(body)).not.toContain("sk_live");
      expect(await countRows("x_connections")).toBe(0);
    },
  );
});

describe("provider names from a path or a call", () => {
  it.each(["%00", "attio%00", "..%2F..%2Fetc", "A".repeat(80)])(
    "answers %s with 404 unknown_provider before any lookup",
    async (name) => {
      const response = await host().app.request(
        `${MOUNT}/connect/${name}`,
        asUser("acme:alice", { method: "POST", body: "{}" }),
      );
      expect(response.status).toBe(404);
      expect((await json(response)).error.code).toBe("unknown_provider");
    },
  );

  it("refuses a NUL byte in getCredential's provider as unknown_provider, not a database error", async () => {
    await expect(
      host().connections.getCredential({ ...alice, provider: "attio\u0000" }),
    ).rejects.toMatchObject({ code: "unknown_provider" });
  });
});

describe("what a provider's error may put on the page", () => {
  it("redirect mode carries only our code back to the app, never the provider's text", async () => {
    const made = host();
    const started = await json(
      await made.app.request(
        `${MOUNT}/connect/attio`,
        asUser("acme:alice", { method: "POST", body: JSON.stringify({ mode: "redirect" }) }),
      ),
    );
    const callback = await consent(started.authorizeUrl, "deny");
    callback.searchParams.set("error", "<script>alert(1)</script>");
    callback.searchParams.set("error_description", "Go to https://evil.example now");
    const landed = await made.app.request(
      `${callback.pathname}${callback.search}`,
      asUser("acme:alice"),
    );
    const location = new URL(landed.headers.get("location") ?? "", "http://app.example");
    expect(location.searchParams.get("code")).toBe("provider_error");
    expect(location.href).not.toContain("evil.example");
    expect(location.href).not.toContain("script");
  });
});
