import { createHash } from "node:crypto";
import { type Sandbox, startSandbox } from "@x/sandbox";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { flowScope } from "./connect/flows-repository";
import { secret } from "./providers/secret";
import { POPUP_RESULT_SCRIPT } from "./routes/callback-page";
import { connectionResponse } from "./routes/schemas";
import { dataKeysRepository } from "./store/data-keys-repository";
import {
  asUser,
  consent,
  createHost,
  json,
  MOUNT,
  sandboxAttio,
  TEST_KEYS,
} from "./testing/harness";
import { pgliteForFile } from "./testing/pglite";
import { createVault, envKeyProvider, parseKeyring } from "./vault";

// The threats of docs/security.md, each against the real sandbox over HTTP.

const { client, store } = pgliteForFile(["x_connections", "x_oauth_flows"]);
let sandbox: Sandbox;
/** A second authorization server, playing the attacker's in the mix-up test. */
let otherSandbox: Sandbox;
let host: ReturnType<typeof createHost>;

const TOKEN_PATTERN = /sbx_(at|rt|ac)_/;

beforeAll(async () => {
  [sandbox, otherSandbox] = await Promise.all([startSandbox(), startSandbox()]);
  host = createHost({
    store,
    sandboxUrl: sandbox.url,
    providers: [
      sandboxAttio(sandbox.url),
      {
        ...sandboxAttio(otherSandbox.url),
        name: "other-crm",
        displayName: "Other CRM",
      },
      secret({ name: "mail-sequencer", displayName: "Mail sequencer" }),
    ],
  });
  await host.connections.ready();
});

afterAll(async () => {
  await Promise.all([sandbox.close(), otherSandbox.close()]);
});

beforeEach(() => {
  sandbox.knobs.sendIssuer = true;
});

async function rowCount(): Promise<number> {
  const { rows } = await client.query<{ count: number }>(
    "select count(*)::int as count from x_connections",
  );
  return rows[0]?.count ?? 0;
}

async function start(user = "acme:alice", body: object = {}, provider = "attio") {
  const response = await host.app.request(
    `${MOUNT}/connect/${provider}`,
    asUser(user, { method: "POST", body: JSON.stringify(body) }),
  );
  expect(response.status).toBe(200);
  return (await json(response)) as { authorizeUrl: string; flowId: string; nonce: string };
}

function land(callback: URL, user: string | null = "acme:alice") {
  const path = `${callback.pathname}${callback.search}`;
  return host.app.request(path, user ? asUser(user) : {});
}

async function flowOf(flowId: string, user = "acme:alice") {
  return json(await host.app.request(`${MOUNT}/flows/${flowId}`, asUser(user)));
}

describe("CSRF on the callback (RFC 9700 §2.1, §4.7.1)", () => {
  it("refuses a callback reached by another signed-in user and stores nothing", async () => {
    const { authorizeUrl } = await start("acme:alice");
    const landed = await land(await consent(authorizeUrl), "acme:mallory");
    expect(landed.status).toBe(400);
    expect(await landed.text()).toContain("invalid_state");
    expect(await rowCount()).toBe(0);
  });

  it("lets whoever else holds the callback URL neither spend the flow nor learn its nonce or id", async () => {
    const { authorizeUrl, flowId, nonce } = await start("acme:alice");
    const callback = await consent(authorizeUrl);
    for (const intruder of ["acme:mallory", "globex:alice", null]) {
      const text = await (await land(callback, intruder)).text();
      expect(text).not.toContain(nonce);
      expect(text).not.toContain(flowId);
    }
    expect((await land(callback, "acme:alice")).status).toBe(200);
    expect(await flowOf(flowId)).toMatchObject({ status: "success" });
  });

  it("refuses a callback reached by the same user id in another tenant", async () => {
    const { authorizeUrl } = await start("acme:alice");
    const landed = await land(await consent(authorizeUrl), "globex:alice");
    expect(landed.status).toBe(400);
    expect(await rowCount()).toBe(0);
  });

  it("refuses a callback with no signed-in user", async () => {
    const { authorizeUrl } = await start("acme:alice");
    const landed = await land(await consent(authorizeUrl), null);
    expect(landed.status).toBe(400);
    expect(await rowCount()).toBe(0);
  });
});

describe("state tampering and unknown state (RFC 9700 §4.7.1)", () => {
  it("refuses a missing, unknown or tampered state without burning the real one", async () => {
    const { authorizeUrl } = await start();
    const callback = await consent(authorizeUrl);
    const state = callback.searchParams.get("state") ?? "";
    const flipped = `${state.slice(0, -1)}${state.endsWith("A") ? "B" : "A"}`;
    for (const tampered of [flipped, `${state}x`, "", "null", "../../etc"]) {
      const url = new URL(callback);
      url.searchParams.set("state", tampered);
      const landed = await land(url);
      expect(landed.status).toBe(400);
      expect((await json(landed)).error.code).toBe("invalid_state");
    }
    const withoutState = new URL(callback);
    withoutState.searchParams.delete("state");
    expect((await json(await land(withoutState))).error.code).toBe("invalid_state");
    expect(await rowCount()).toBe(0);

    expect((await land(callback)).status).toBe(200);
    expect(await rowCount()).toBe(1);
  });
});

describe("PKCE (RFC 9700 §2.1.1, §4.5.3.1, §4.8)", () => {
  it("sends an S256 code_challenge of the flow's verifier, and never the verifier", async () => {
    const started = await start();
    const params = new URL(started.authorizeUrl).searchParams;
    expect(params.get("code_challenge_method")).toBe("S256");

    const [flow] = (
      await client.query<{
        sealed_secrets: string;
        tenant_id: string;
        user_id: string;
        provider: string;
        visibility: "user" | "workspace";
      }>(
        "select sealed_secrets, tenant_id, user_id, provider, visibility from x_oauth_flows where id = $1",
        [started.flowId],
      )
    ).rows;
    const vault = createVault({
      keys: envKeyProvider(parseKeyring(TEST_KEYS, "TEST_KEYS")),
      dataKeys: dataKeysRepository(() => store.open()),
    });
    const { codeVerifier } = await vault.openJson<{ codeVerifier: string }>(
      flowScope({
        tenantId: flow!.tenant_id,
        id: started.flowId,
        userId: flow!.user_id,
        provider: flow!.provider,
        visibility: flow!.visibility,
      }),
      flow!.sealed_secrets,
    );
    expect(codeVerifier).toMatch(/^[\w-]{43,128}$/);
    expect(params.get("code_challenge")).toBe(
      createHash("sha256").update(codeVerifier).digest("base64url"),
    );
    const callback = await consent(started.authorizeUrl);
    const landed = await land(callback);
    for (const text of [started.authorizeUrl, JSON.stringify(started), callback.href]) {
      expect(text).not.toContain(codeVerifier);
    }
    expect(await landed.text()).not.toContain(codeVerifier);
  });

  it("a stolen code is useless at the sandbox without the flow's verifier", async () => {
    const redeem = async (verifier: string | null) => {
      const { authorizeUrl } = await start();
      const code = (await consent(authorizeUrl)).searchParams.get("code") ?? "";
      const body = new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: host.connections.redirectUri,
        client_id: "taskr-sandbox",
        client_secret: "taskr-sandbox-secret",
        ...(verifier ? { code_verifier: verifier } : {}),
      });
      const response = await fetch(`${sandbox.url}/oauth/token`, { method: "POST", body });
      return { status: response.status, body: await json(response) };
    };
    for (const verifier of [null, "a".repeat(43)]) {
      const refused = await redeem(verifier);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe("invalid_grant");
    }
  });
});

describe("code replay (RFC 9700 §4.5, state single use)", () => {
  it("refuses the second callback with the same state and stores no second row", async () => {
    const { authorizeUrl, flowId } = await start();
    const callback = await consent(authorizeUrl);
    expect((await land(callback)).status).toBe(200);
    const replay = await land(callback);
    expect(replay.status).toBe(400);
    expect((await json(replay)).error.code).toBe("invalid_state");
    expect(await rowCount()).toBe(1);
    expect(await flowOf(flowId)).toMatchObject({ status: "success" });
  });

  it("lets exactly one of two racing callbacks win", async () => {
    const { authorizeUrl } = await start();
    const callback = await consent(authorizeUrl);
    const statuses = (await Promise.all([land(callback), land(callback)])).map((r) => r.status);
    expect(statuses.sort()).toEqual([200, 400]);
    expect(await rowCount()).toBe(1);
  });
});

describe("mix-up between providers (RFC 9700 §4.4, RFC 9207)", () => {
  it("refuses a response whose iss is not the provider's issuer: issuer_mismatch", async () => {
    const { authorizeUrl, flowId } = await start();
    const callback = await consent(authorizeUrl);
    expect(callback.searchParams.get("iss")).toBe(sandbox.issuer);
    callback.searchParams.set("iss", "https://evil.example");
    const landed = await land(callback);
    expect(landed.status).toBe(400);
    expect(await landed.text()).toContain("issuer_mismatch");
    expect(await flowOf(flowId)).toMatchObject({ error: { code: "issuer_mismatch" } });
    expect(await rowCount()).toBe(0);
  });

  it("binds the provider in the state: a code from another server never reaches this one's token endpoint", async () => {
    // The flow is for other-crm; the browser is steered to attio's (honest) server instead,
    // whose code comes back with attio's iss. Without the check the code would be sent to
    // other-crm's token endpoint: the attacker's.
    const { authorizeUrl, flowId } = await start("acme:alice", {}, "other-crm");
    const steered = new URL(authorizeUrl);
    const honest = new URL(`${sandbox.url}${steered.pathname}${steered.search}`);
    const callback = await consent(honest.href);
    const tokenRequestsBefore = otherSandbox.stats.tokenRequests;
    const landed = await land(callback);
    expect(landed.status).toBe(400);
    expect(await flowOf(flowId)).toMatchObject({
      provider: "other-crm",
      error: { code: "issuer_mismatch" },
    });
    expect(otherSandbox.stats.tokenRequests).toBe(tokenRequestsBefore);
    expect(await rowCount()).toBe(0);
  });
});

describe("open redirect (RFC 9700 §2.1, §4.11.1)", () => {
  it("refuses a returnTo that leaves the app before any flow exists, and lands only on the app", async () => {
    const hostile = ["//evil.com", "/\\evil.com", "https://evil.com", "javascript:alert(1)"];
    for (const returnTo of [...hostile, "/\t/evil.com", "/.//evil.com", "/%2e//evil.com"]) {
      const response = await host.app.request(
        `${MOUNT}/connect/attio`,
        asUser("acme:alice", {
          method: "POST",
          body: JSON.stringify({ mode: "redirect", returnTo }),
        }),
      );
      expect(response.status, returnTo).toBe(400);
      expect((await json(response)).error.code).toBe("invalid_request");
    }
    expect((await client.query("select id from x_oauth_flows")).rows).toHaveLength(0);

    const started = await start("acme:alice", { mode: "redirect", returnTo: "/%2F%2Fevil.com" });
    const back = await land(await consent(started.authorizeUrl));
    const location = back.headers.get("location") ?? "";
    expect(location.startsWith("/") && !location.startsWith("//")).toBe(true);
    expect(new URL(location, host.connections.redirectUri).origin).toBe("http://localhost:3050");
  });
});

describe("postMessage to a foreign origin (RFC 9700 §4.17.2)", () => {
  it("posts the outcome only to the configured app origin, tagged with the flow's nonce", async () => {
    const first = await start();
    const second = await start();
    expect(first.nonce).not.toBe(second.nonce);
    expect(first.nonce).toMatch(/^[\w-]{43}$/);

    const html = await (await land(await consent(first.authorizeUrl))).text();
    const payload = /<script type="application\/json" id="x-connect-result">(.*?)<\/script>/s.exec(
      html,
    )?.[1];
    const posted: Array<{ message: unknown; targetOrigin: string }> = [];
    const fakeWindow = {
      opener: {
        postMessage: (message: unknown, targetOrigin: string) =>
          posted.push({ message, targetOrigin }),
      },
      close: () => {},
    };
    const fakeDocument = { getElementById: () => ({ textContent: payload }) };
    new Function("window", "document", POPUP_RESULT_SCRIPT)(fakeWindow, fakeDocument);
    expect(posted).toEqual([
      {
        message: expect.objectContaining({ nonce: first.nonce, status: "success" }),
        targetOrigin: "http://localhost:3050",
      },
    ]);
    expect(POPUP_RESULT_SCRIPT).not.toContain('"*"');
  });
});

describe("tokens in URLs, Referer or logs (RFC 9700 §4.2, §4.3)", () => {
  const spies: Array<ReturnType<typeof vi.spyOn>> = [];
  afterEach(() => {
    for (const spy of spies.splice(0)) spy.mockRestore();
  });

  it("never shows a token in a response, page, Location or console line", async () => {
    const logged: unknown[][] = [];
    for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) {
      spies.push(vi.spyOn(console, method).mockImplementation((...args) => logged.push(args)));
    }
    const seen: string[] = [];
    const record = async (response: Response) => {
      seen.push(response.status.toString(), JSON.stringify([...response.headers]));
      seen.push(await response.clone().text());
      return response;
    };
    const call = async (path: string, init: RequestInit = {}) =>
      record(await host.app.request(`${MOUNT}${path}`, asUser("acme:alice", init)));

    const popup = await start();
    const popupPage = await record(await land(await consent(popup.authorizeUrl)));
    expect(popupPage.headers.get("referrer-policy")).toBe("no-referrer");

    const redirect = await start("acme:alice", { mode: "redirect", returnTo: "/settings" });
    const back = await record(await land(await consent(redirect.authorizeUrl)));
    expect(back.status).toBe(303);
    expect(back.headers.get("referrer-policy")).toBe("no-referrer");
    expect(back.headers.get("location")).toBe("/settings?x_connect=success&provider=attio");

    const { connections } = await json(await call("/connections"));
    const id = connections[0].id;
    await call(`/flows/${popup.flowId}`);
    await call(`/connections/${id}/check`, { method: "POST" });
    await call(`/connections/${id}`, { method: "PATCH", body: JSON.stringify({ name: "Work" }) });
    await call("/providers");

    sandbox.knobs.failNextToken = {
      status: 400,
      body: { error: "invalid_grant", error_description: "sbx_at_leaked sbx_rt_leaked" },
    };
    const failed = await start();
    const failedPage = await record(await land(await consent(failed.authorizeUrl)));
    expect(failedPage.status).toBe(400);

    await call(`/connections/${id}`, { method: "DELETE" });

    for (const connection of connections) connectionResponse.parse(connection);
    expect(seen.join("\n")).not.toMatch(TOKEN_PATTERN);
    expect(JSON.stringify(logged)).not.toMatch(TOKEN_PATTERN);
  });
});

describe("clickjacking of the callback (RFC 9700 §4.16)", () => {
  it("serves the callback page, success or error, unframeable and with its own script only", async () => {
    const success = await land(await consent((await start()).authorizeUrl));
    const failure = await land(await consent((await start()).authorizeUrl, "deny"));
    for (const page of [success, failure]) {
      expect(page.headers.get("content-type")).toContain("text/html");
      expect(page.headers.get("x-frame-options")).toBe("DENY");
      const csp = page.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
    }
  });
});
