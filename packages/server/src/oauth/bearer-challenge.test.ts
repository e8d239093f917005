import { describe, expect, it } from "vitest";
import { insufficientScopeOf, parseBearerChallenge } from "./bearer-challenge";

describe("parseBearerChallenge", () => {
  it("reads resource_metadata and scope (RFC 9728 §5.1)", () => {
    expect(
      parseBearerChallenge(
        'Bearer resource_metadata="https://mcp.example/.well-known/oauth-protected-resource/mcp", scope="a b"',
      ),
    ).toEqual({
      resource_metadata: "https://mcp.example/.well-known/oauth-protected-resource/mcp",
      scope: "a b",
    });
  });

  it("reads a bare challenge, token values, escapes and a Bearer after another scheme", () => {
    expect(parseBearerChallenge("Bearer")).toEqual({});
    expect(
      parseBearerChallenge(
        'Basic realm="x", Bearer error=invalid_token, error_description="a \\"b\\", c"',
      ),
    ).toEqual({
      error: "invalid_token",
      error_description: 'a "b", c',
    });
    expect(parseBearerChallenge('Basic realm="x"')).toBeNull();
    expect(parseBearerChallenge(null)).toBeNull();
  });
});

describe("insufficientScopeOf", () => {
  const answer = (status: number, challenge?: string) =>
    new Response(null, {
      status,
      headers: challenge ? { "www-authenticate": challenge } : {},
    });

  it("reads the scopes a 403 insufficient_scope challenge asks for (RFC 6750 §3.1)", () => {
    expect(
      insufficientScopeOf(
        answer(403, 'Bearer error="insufficient_scope", scope="tasks:read  tasks:write"'),
      ),
    ).toEqual(["tasks:read", "tasks:write"]);
    expect(insufficientScopeOf(answer(403, "Bearer error=insufficient_scope"))).toEqual([]);
  });

  it("is null for any other refusal", () => {
    expect(insufficientScopeOf(answer(403))).toBeNull();
    expect(insufficientScopeOf(answer(403, 'Bearer error="invalid_token"'))).toBeNull();
    expect(insufficientScopeOf(answer(401, 'Bearer error="insufficient_scope"'))).toBeNull();
  });
});
