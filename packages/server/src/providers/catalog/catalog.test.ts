import { describe, expect, it } from "vitest";
import { attio } from "../attio";
import { isConfigured } from "../types";
import {
  asana,
  atlassian,
  github,
  gitlab,
  google,
  hubspot,
  linear,
  microsoft,
  notion,
  salesforce,
  slack,
} from ".";
import { parseAsanaMe } from "./asana";
import { parseGitLabUser } from "./gitlab";
import { parseHubSpotAccount } from "./hubspot";

/** The facts docs/providers.md lists, checked against the records. */
const expected = [
  { provider: github(), auth: "client_secret_post", pkce: true, separator: " " },
  { provider: gitlab(), auth: "client_secret_post", pkce: true, separator: " " },
  { provider: linear(), auth: "client_secret_post", pkce: true, separator: "," },
  { provider: slack(), auth: "client_secret_post", pkce: false, separator: "," },
  { provider: google(), auth: "client_secret_post", pkce: true, separator: " " },
  { provider: microsoft(), auth: "client_secret_post", pkce: true, separator: " " },
  { provider: hubspot(), auth: "client_secret_post", pkce: true, separator: " " },
  { provider: notion(), auth: "client_secret_basic", pkce: false, separator: " " },
  { provider: salesforce(), auth: "client_secret_post", pkce: true, separator: " " },
  { provider: atlassian(), auth: "client_secret_post", pkce: false, separator: " " },
  { provider: asana(), auth: "client_secret_post", pkce: true, separator: " " },
  { provider: attio(), auth: "client_secret_post", pkce: true, separator: " " },
];

describe("the provider catalog", () => {
  it.each(expected)(
    "$provider.name: https endpoints, docs link, documented auth and PKCE",
    ({ provider, auth, pkce, separator }) => {
      expect(provider.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(provider.docsUrl).toMatch(/^https:\/\//);
      for (const url of [
        provider.authorizationEndpoint,
        provider.tokenEndpoint,
        provider.revocationEndpoint,
        provider.identity?.url,
      ]) {
        if (url) expect(url).toMatch(/^https:\/\//);
      }
      expect(provider.clientAuth).toBe(auth);
      expect(provider.pkce).toBe(pkce);
      expect(provider.scopeSeparator).toBe(separator);
    },
  );

  it("is not configured until given a client id and secret", () => {
    expect(isConfigured(github())).toBe(false);
    expect(isConfigured(github({ clientId: "id" }))).toBe(false);
    expect(isConfigured(github({ clientId: "id", clientSecret: "secret" }))).toBe(true);
  });

  it("takes endpoint overrides (a sandbox in tests) without losing the identity parser", () => {
    const provider = gitlab({
      endpoints: {
        issuer: "http://127.0.0.1:1",
        authorizationEndpoint: "http://127.0.0.1:1/authorize",
        tokenEndpoint: "http://127.0.0.1:1/oauth/token",
        identityUrl: "http://127.0.0.1:1/v2/self",
      },
    });
    expect(provider).toMatchObject({
      issuer: "http://127.0.0.1:1",
      authorizationEndpoint: "http://127.0.0.1:1/authorize",
      tokenEndpoint: "http://127.0.0.1:1/oauth/token",
      revocationEndpoint: "https://gitlab.com/oauth/revoke",
      identity: { url: "http://127.0.0.1:1/v2/self", parse: parseGitLabUser },
    });
  });

  it("points GitLab at a self-managed instance", () => {
    expect(gitlab({ baseUrl: "https://gitlab.example.com/" }).tokenEndpoint).toBe(
      "https://gitlab.example.com/oauth/token",
    );
  });
});

describe("identity parsers", () => {
  it("GitLab /api/v4/user", () => {
    expect(parseGitLabUser({ id: 1, name: "Alice", username: "alice" })).toEqual({
      accountId: "1",
      name: "Alice",
      handle: "alice",
    });
  });

  it("HubSpot /account-info/v3/details", () => {
    expect(parseHubSpotAccount({ portalId: 62515, uiDomain: "app.hubspot.com" })).toEqual({
      accountId: "62515",
      name: null,
      handle: "62515",
    });
  });

  it("Asana /users/me", () => {
    expect(parseAsanaMe({ data: { gid: "12", name: "Alice", email: "a@acme.test" } })).toEqual({
      accountId: "12",
      name: "Alice",
      handle: "a@acme.test",
    });
  });
});
