import { describe, expect, it } from "vitest";
import { createClientRegistry, defaultSandboxClient } from "../clients";
import { defaultScopes } from "../scopes";
import { checkAuthorizationRequest } from "./authorization-request";

const registered = {
  clientId: "registered",
  clientSecret: "secret",
  name: "Registered",
  redirectUris: ["https://app.example.com/callback"],
};
const clients = createClientRegistry([defaultSandboxClient, registered]);
const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

function check(params: Record<string, string>, extra: [string, string][] = []) {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: "taskr-sandbox",
    redirect_uri: "http://localhost:3050/callback",
    state: "abc",
    ...params,
  });
  for (const [name, value] of extra) query.append(name, value);
  return checkAuthorizationRequest(query, clients);
}

describe("checkAuthorizationRequest", () => {
  it("accepts a loopback redirect for a client without registered URIs", () => {
    const result = check({ redirect_uri: "http://127.0.0.1:9999/cb", scope: "task:read" });
    expect(result).toMatchObject({
      outcome: "valid",
      request: { redirectUri: "http://127.0.0.1:9999/cb", scopes: ["task:read"], state: "abc" },
    });
  });

  it("never redirects for an unknown client or an unregistered redirect_uri", () => {
    expect(check({ client_id: "nobody" }).outcome).toBe("unsafe");
    expect(check({ redirect_uri: "https://evil.example/cb" }).outcome).toBe("unsafe");
    expect(check({ redirect_uri: "http://localhost.evil.example/cb" }).outcome).toBe("unsafe");
    expect(
      check({ client_id: "registered", redirect_uri: "https://app.example.com/callback/" }).outcome,
    ).toBe("unsafe");
    expect(check({}, [["redirect_uri", "http://localhost:1/other"]]).outcome).toBe("unsafe");
  });

  it("matches registered redirect URIs exactly and defaults to the only one", () => {
    const result = check({ client_id: "registered", redirect_uri: "" });
    expect(result).toMatchObject({
      outcome: "valid",
      request: { redirectUri: "https://app.example.com/callback", redirectUriSent: false },
    });
  });

  it("redirects with invalid_request for plain or missing PKCE methods", () => {
    for (const method of ["plain", ""]) {
      const result = check({ code_challenge: challenge, code_challenge_method: method });
      expect(result).toMatchObject({
        outcome: "redirect",
        state: "abc",
        error: { code: "invalid_request" },
      });
    }
  });

  it("keeps an S256 challenge", () => {
    const result = check({ code_challenge: challenge, code_challenge_method: "S256" });
    expect(result).toMatchObject({ outcome: "valid", request: { codeChallenge: challenge } });
  });

  it("answers invalid_scope for scopes Attio does not have, and defaults a missing scope", () => {
    expect(check({ scope: "task:read admin" })).toMatchObject({
      outcome: "redirect",
      error: { code: "invalid_scope" },
    });
    expect(check({})).toMatchObject({ outcome: "valid", request: { scopes: defaultScopes } });
  });

  it("rejects other response types and repeated parameters through the redirect", () => {
    expect(check({ response_type: "token" })).toMatchObject({
      error: { code: "unsupported_response_type" },
    });
    expect(
      check({}, [
        ["scope", "task:read"],
        ["scope", "note:read"],
      ]),
    ).toMatchObject({
      outcome: "redirect",
      error: { code: "invalid_request" },
    });
  });
});
