import { describe, expect, it } from "vitest";
import { attio, parseAttioSelf } from "./attio";
import { github } from "./catalog";
import type { CatalogOptions } from "./catalog/shared";
import { isConfigured } from "./types";

const sandboxUrl = "http://127.0.0.1:3051";
const pointedAtSandbox = {
  clientId: "taskr-sandbox",
  clientSecret: "taskr-sandbox-secret",
  endpoints: {
    authorizationEndpoint: `${sandboxUrl}/authorize`,
    tokenEndpoint: `${sandboxUrl}/oauth/token`,
    revocationEndpoint: `${sandboxUrl}/oauth/revoke`,
    identityUrl: `${sandboxUrl}/v2/self`,
  },
  apiOrigins: [sandboxUrl],
} satisfies CatalogOptions;

describe("attio()", () => {
  it("is Attio as its OAuth guide documents it", () => {
    expect(attio()).toMatchObject({
      name: "attio",
      authorizationEndpoint: "https://app.attio.com/authorize",
      tokenEndpoint: "https://app.attio.com/oauth/token",
      revocationEndpoint: "https://app.attio.com/oauth/revoke",
      identity: { url: "https://api.attio.com/v2/self", parse: parseAttioSelf },
      apiOrigins: ["https://api.attio.com"],
      clientAuth: "client_secret_post",
      pkce: true,
      scopeSeparator: " ",
    });
    expect(attio().issuer).toBeUndefined();
  });

  it("takes `endpoints` and `apiOrigins`, as every catalog factory does (the sandbox wiring)", () => {
    expect(attio(pointedAtSandbox)).toMatchObject({
      clientId: "taskr-sandbox",
      clientSecret: "taskr-sandbox-secret",
      authorizationEndpoint: `${sandboxUrl}/authorize`,
      tokenEndpoint: `${sandboxUrl}/oauth/token`,
      revocationEndpoint: `${sandboxUrl}/oauth/revoke`,
      identity: { url: `${sandboxUrl}/v2/self`, parse: parseAttioSelf },
      apiOrigins: [sandboxUrl],
    });
    // The same options object fits another catalog factory unchanged.
    expect(github(pointedAtSandbox).tokenEndpoint).toBe(`${sandboxUrl}/oauth/token`);
  });

  it("keeps the endpoints it is not given, and the token on api.attio.com unless told", () => {
    const provider = attio({ endpoints: { tokenEndpoint: `${sandboxUrl}/oauth/token` } });
    expect(provider.tokenEndpoint).toBe(`${sandboxUrl}/oauth/token`);
    expect(provider.authorizationEndpoint).toBe("https://app.attio.com/authorize");
    expect(provider.identity?.url).toBe("https://api.attio.com/v2/self");
    expect(provider.apiOrigins).toEqual(["https://api.attio.com"]);
  });

  it("has one override shape: the former appUrl / apiUrl are not options", () => {
    // @ts-expect-error appUrl is not an option: endpoints is
    attio({ appUrl: sandboxUrl });
    // @ts-expect-error apiUrl is not an option: endpoints.identityUrl and apiOrigins are
    attio({ apiUrl: sandboxUrl });
  });

  it("accepts unset environment variables (exactOptionalPropertyTypes) and is then not configured", () => {
    const unset: string | undefined = undefined;
    const provider = attio({ clientId: unset, clientSecret: unset, endpoints: undefined });
    expect(isConfigured(provider)).toBe(false);
    expect(provider).not.toHaveProperty("clientId");
    expect(isConfigured(attio({ clientId: "id", clientSecret: "secret" }))).toBe(true);
  });

  it("takes scopes, and the extra scopes a step-up may add", () => {
    const provider = attio({ scopes: ["task:read"], extraScopes: ["task:read-write"] });
    expect(provider.scopes).toEqual(["task:read"]);
    expect(provider.extraScopes).toEqual(["task:read-write"]);
    expect(attio().extraScopes).toBeUndefined();
  });
});

describe("parseAttioSelf", () => {
  it("names the workspace the token was granted for", () => {
    expect(
      parseAttioSelf({
        workspace_id: "ws-1",
        workspace_name: "Acme",
        workspace_slug: "acme",
        active: true,
      }),
    ).toEqual({ accountId: "ws-1", name: "Acme", handle: "acme" });
  });

  it("gives nulls for what the body lacks or mistypes", () => {
    expect(parseAttioSelf(null)).toEqual({ accountId: null, name: null, handle: null });
    expect(parseAttioSelf({ workspace_id: 42 })).toEqual({
      accountId: null,
      name: null,
      handle: null,
    });
  });
});
