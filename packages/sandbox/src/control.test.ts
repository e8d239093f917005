import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "./start";
import { connect, getApi, refresh } from "./test-support";

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(() => sandbox.close());

const control = (path: string, body?: unknown) =>
  fetch(new URL(`/__sandbox/${path}`, sandbox.url), {
    method: body === undefined && path === "stats" ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe("cross-process control", () => {
  it("reports live stats", async () => {
    await connect(sandbox);
    expect(await (await control("stats")).json()).toEqual({
      tokenRequests: 1,
      authorizationCodeGrants: 1,
      refreshGrants: 0,
      revocations: 0,
    });
  });

  it("patches knobs, which the running sandbox then follows", async () => {
    const response = await control("knobs", { accessTokenTtlSeconds: null, sendIssuer: false });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ accessTokenTtlSeconds: null, sendIssuer: false });
    expect(sandbox.knobs.accessTokenTtlSeconds).toBeNull();
    expect(await connect(sandbox)).not.toHaveProperty("expires_in");
  });

  it("rejects a bad knob with a message naming it and changes nothing", async () => {
    const response = await control("knobs", { latencyMs: "slow" });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: "invalid_sandbox_config", message: expect.stringContaining("latencyMs") },
    });
    expect(sandbox.knobs.latencyMs).toBe(0);
  });

  it("revokes everything", async () => {
    const tokens = await connect(sandbox);
    expect((await control("revoke-all")).status).toBe(204);
    expect((await getApi(sandbox, "/v2/self", tokens.access_token)).status).toBe(401);
    expect((await refresh(sandbox, tokens.refresh_token!)).status).toBe(400);
  });

  it("expires access tokens", async () => {
    const tokens = await connect(sandbox);
    expect((await control("expire-access-tokens")).status).toBe(204);
    expect((await getApi(sandbox, "/v2/self", tokens.access_token)).status).toBe(401);
    expect((await refresh(sandbox, tokens.refresh_token!)).status).toBe(200);
  });
});

describe("startSandbox", () => {
  it("listens on loopback with a random port and serves RFC 8414 metadata", async () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.issuer).toBe(sandbox.url);
    const response = await fetch(new URL("/.well-known/oauth-authorization-server", sandbox.url));
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: sandbox.url,
      authorization_endpoint: `${sandbox.url}/authorize`,
      token_endpoint: `${sandbox.url}/oauth/token`,
      revocation_endpoint: `${sandbox.url}/oauth/revoke`,
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      authorization_response_iss_parameter_supported: true,
    });
    expect(metadata.scopes_supported).toContain("task:read");
  });

  it("refuses bad options before listening", async () => {
    await expect(startSandbox({ port: 70000 })).rejects.toThrow(/port/);
    await expect(
      startSandbox({
        clients: [{ clientId: "a", clientSecret: "", name: "A", redirectUris: [] }],
      }),
    ).rejects.toThrow(/clientSecret/);
  });

  it("closes, even with kept-alive connections", async () => {
    await fetch(new URL("/__sandbox/stats", sandbox.url));
    await sandbox.close();
    await expect(fetch(new URL("/__sandbox/stats", sandbox.url))).rejects.toThrow();
    sandbox = await startSandbox();
  });
});
