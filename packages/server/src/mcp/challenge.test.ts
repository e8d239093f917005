import { describe, expect, it } from "vitest";
import { parseBearerChallenge } from "./challenge";

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
