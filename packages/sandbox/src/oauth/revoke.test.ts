import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../start";
import { client, connect, getApi, refresh } from "../test-support";

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(() => sandbox.close());

function revoke(token: string): Promise<Response> {
  return fetch(new URL("/oauth/revoke", sandbox.url), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      token,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    }),
  });
}

describe("POST /oauth/revoke", () => {
  it("revokes an access token and the grant behind it", async () => {
    const tokens = await connect(sandbox);
    expect((await revoke(tokens.access_token)).status).toBe(200);
    expect((await getApi(sandbox, "/v2/self", tokens.access_token)).status).toBe(401);
    expect(await (await refresh(sandbox, tokens.refresh_token!)).json()).toMatchObject({
      error: "invalid_grant",
    });
    expect(sandbox.stats.revocations).toBe(1);
  });

  it("revokes a refresh token and the access tokens of its grant", async () => {
    const tokens = await connect(sandbox);
    const other = await connect(sandbox);
    expect((await revoke(tokens.refresh_token!)).status).toBe(200);
    expect((await getApi(sandbox, "/v2/self", tokens.access_token)).status).toBe(401);
    // Another grant of the same client is untouched.
    expect((await getApi(sandbox, "/v2/self", other.access_token)).status).toBe(200);
  });

  it("answers 200 for an unknown token", async () => {
    expect((await revoke("sbx_at_unknown")).status).toBe(200);
  });

  it("requires client authentication", async () => {
    const response = await fetch(new URL("/oauth/revoke", sandbox.url), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: "sbx_at_x" }),
    });
    expect(response.status).toBe(401);
  });
});
