import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../start";
import { client, connect, getApi, type TokenBody } from "../test-support";

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox({ workspaceName: "Acme Sandbox" });
});
afterEach(() => sandbox.close());

async function expectUnauthorized(response: Response) {
  expect(response.status).toBe(401);
  expect(response.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
  expect(await response.json()).toEqual({
    status_code: 401,
    type: "auth_error",
    code: "unauthorized",
    message: expect.any(String),
  });
}

describe("GET /v2/self", () => {
  it("identifies the token, its workspace and scopes", async () => {
    const before = Math.floor(Date.now() / 1000);
    const tokens = await connect(sandbox);
    const response = await getApi(sandbox, "/v2/self", tokens.access_token);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { iat: number; workspace_id: string };
    expect(body).toEqual({
      active: true,
      scope: "task:read user_management:read",
      client_id: client.clientId,
      token_type: "Bearer",
      exp: body.iat + 3600,
      iat: expect.any(Number),
      sub: body.workspace_id,
      aud: client.clientId,
      iss: sandbox.issuer,
      authorized_by_workspace_member_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      workspace_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      workspace_name: "Acme Sandbox",
      workspace_slug: "acme-sandbox",
      workspace_logo_url: null,
    });
    expect(body.iat).toBeGreaterThanOrEqual(before);
  });

  it("reports exp null for tokens without a lifetime", async () => {
    sandbox.knobs.accessTokenTtlSeconds = null;
    const tokens = await connect(sandbox);
    const self = await getApi(sandbox, "/v2/self", tokens.access_token);
    expect(await self.json()).toMatchObject({ exp: null });
  });

  it("answers 401 in Attio's shape for unknown and missing tokens", async () => {
    await expectUnauthorized(await getApi(sandbox, "/v2/self", "sbx_at_forged"));
    await expectUnauthorized(await fetch(new URL("/v2/self", sandbox.url)));
  });

  it("answers 401 after expireAccessTokens, while the refresh token still works", async () => {
    const tokens = await connect(sandbox);
    sandbox.expireAccessTokens();
    await expectUnauthorized(await getApi(sandbox, "/v2/self", tokens.access_token));
    const refreshed = await fetch(new URL("/oauth/token", sandbox.url), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: tokens.refresh_token!,
        client_id: client.clientId,
        client_secret: client.clientSecret,
      }),
    });
    const next = (await refreshed.json()) as TokenBody;
    expect((await getApi(sandbox, "/v2/self", next.access_token)).status).toBe(200);
  });

  it("expires tokens that were issued with a zero lifetime", async () => {
    sandbox.knobs.accessTokenTtlSeconds = 0;
    const tokens = await connect(sandbox);
    expect(tokens.expires_in).toBe(0);
    await expectUnauthorized(await getApi(sandbox, "/v2/self", tokens.access_token));
  });

  it("answers 401 after revokeAll", async () => {
    const tokens = await connect(sandbox);
    sandbox.revokeAll();
    await expectUnauthorized(await getApi(sandbox, "/v2/self", tokens.access_token));
  });
});
