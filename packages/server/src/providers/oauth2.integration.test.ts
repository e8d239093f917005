import { defaultKnobs, type Sandbox, startHostileMcpServer, startSandbox } from "@x/sandbox";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { discoverOAuth2Provider } from "../oauth/discover";
import { assertFetchable } from "../shared/outbound";
import { asUser, consent, createHost, json, MOUNT } from "../testing/harness";
import { pgliteForFile } from "../testing/pglite";
import { clientAuthFromMetadata, oauth2, pkceFromMetadata } from "./oauth2";
import type { OAuthProvider } from "./types";

const { store } = pgliteForFile(["x_connections", "x_oauth_flows"]);
let sandbox: Sandbox;
let provider: OAuthProvider;
let host: ReturnType<typeof createHost>;

beforeAll(async () => {
  sandbox = await startSandbox({ knobs: { tokenEndpointAuth: "client_secret_basic" } });
  provider = await discoverOAuth2Provider({
    name: "acme-idp",
    displayName: "Acme IdP",
    issuer: sandbox.url,
    clientId: "taskr-sandbox",
    clientSecret: "taskr-sandbox-secret",
    scopes: ["task:read"],
  });
  host = createHost({ store, sandboxUrl: sandbox.url, providers: [provider] });
  await host.connections.ready();
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => {
  Object.assign(sandbox.knobs, defaultKnobs, { tokenEndpointAuth: "client_secret_basic" });
});

async function connect() {
  const started = await host.app.request(
    `${MOUNT}/connect/acme-idp`,
    asUser("acme:alice", { method: "POST", body: "{}" }),
  );
  const { authorizeUrl, flowId } = await json(started);
  const callback = await consent(authorizeUrl);
  await host.app.request(`${callback.pathname}${callback.search}`, asUser("acme:alice"));
  return json(await host.app.request(`${MOUNT}/flows/${flowId}`, asUser("acme:alice")));
}

describe("discoverOAuth2Provider", () => {
  it("reads the sandbox's RFC 8414 metadata into a provider record", () => {
    expect(provider).toMatchObject({
      issuer: sandbox.url,
      issParameterSupported: true,
      authorizationEndpoint: `${sandbox.url}/authorize`,
      tokenEndpoint: `${sandbox.url}/oauth/token`,
      revocationEndpoint: `${sandbox.url}/oauth/revoke`,
      clientAuth: "client_secret_basic",
      pkce: true,
      scopeSeparator: " ",
    });
  });

  it("connects through the sandbox with the discovered endpoints", async () => {
    expect(await connect()).toMatchObject({ status: "success" });
    const [connection] = await host.connections.listConnections({ tenantId: "acme" });
    expect(connection).toMatchObject({ provider: "acme-idp", scopes: ["task:read"] });
  });

  it("refuses a callback without iss when the metadata promised one (RFC 9207)", async () => {
    sandbox.knobs.sendIssuer = false;
    expect(await connect()).toMatchObject({ status: "error", error: { code: "issuer_mismatch" } });
    expect(await host.connections.listConnections({ tenantId: "acme" })).toHaveLength(0);
  });

  it.each([
    ["authorization_endpoint", "javascript:alert(document.cookie)"],
    ["authorization_endpoint", "data:text/html,<script>alert(1)</script>"],
    ["token_endpoint", "http://169.254.169.254/latest/meta-data/"],
    ["userinfo_endpoint", "file:///etc/passwd"],
  ])("fails the start when the issuer's metadata names %s %s", async (field, value) => {
    const hostile = await startHostileMcpServer({ hostile: { metadata: { [field]: value } } });
    try {
      await expect(
        discoverOAuth2Provider({ name: "x", displayName: "X", issuer: hostile.issuer }),
      ).rejects.toMatchObject({ code: "unsafe_url" });
    } finally {
      await hostile.close();
    }
  });

  it("fails the start when the issuer serves no metadata", async () => {
    await expect(
      discoverOAuth2Provider({ name: "x", displayName: "X", issuer: `${sandbox.url}/nowhere` }),
    ).rejects.toThrow();
  });
});

describe("oauth2 (metadata → record)", () => {
  const metadata = {
    issuer: "https://idp.example",
    authorization_endpoint: "https://idp.example/authorize",
    token_endpoint: "https://idp.example/token",
    userinfo_endpoint: "https://idp.example/userinfo",
  };

  it("is OpenID, with identity from userinfo, when openid is among the scopes", () => {
    const record = oauth2(
      { name: "idp", displayName: "IdP", issuer: metadata.issuer, scopes: ["openid", "email"] },
      metadata,
    );
    expect(record).toMatchObject({ openid: true, identity: { url: metadata.userinfo_endpoint } });
    expect(record.issParameterSupported).toBe(false);
  });

  it("calls an https endpoint off the issuer's origin only if it is a public address", async () => {
    const record = oauth2(
      { name: "idp", displayName: "IdP", issuer: metadata.issuer },
      { ...metadata, token_endpoint: "https://169.254.169.254/token" },
    );
    await expect(
      assertFetchable(new URL(record.tokenEndpoint), record.outbound!),
    ).rejects.toMatchObject({
      code: "unsafe_url",
    });
  });

  it("refuses metadata without the endpoints a code flow needs", () => {
    expect(() =>
      oauth2(
        { name: "idp", displayName: "IdP", issuer: "https://idp.example" },
        {
          issuer: "https://idp.example",
        },
      ),
    ).toThrow(/no authorization or token endpoint/);
  });

  it("chooses client authentication as RFC 8414 §2 defines the absent list", () => {
    const base = { issuer: "https://idp.example" };
    expect(clientAuthFromMetadata(base, "secret")).toBe("client_secret_basic");
    expect(
      clientAuthFromMetadata(
        { ...base, token_endpoint_auth_methods_supported: ["client_secret_post"] },
        "secret",
      ),
    ).toBe("client_secret_post");
    expect(clientAuthFromMetadata(base, undefined)).toBe("none");
    expect(() =>
      clientAuthFromMetadata(
        { ...base, token_endpoint_auth_methods_supported: ["private_key_jwt"] },
        "secret",
      ),
    ).toThrow(/no client secret method/);
  });

  it("uses PKCE unless the listed challenge methods leave S256 out", () => {
    const base = { issuer: "https://idp.example" };
    expect(pkceFromMetadata(base)).toBe(true);
    expect(pkceFromMetadata({ ...base, code_challenge_methods_supported: ["S256"] })).toBe(true);
    expect(pkceFromMetadata({ ...base, code_challenge_methods_supported: ["plain"] })).toBe(false);
  });
});
