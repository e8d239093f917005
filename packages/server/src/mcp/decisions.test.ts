import { describe, expect, it } from "vitest";
import { assertFetchable, defaultOutboundPolicy, maxAgeMs } from "../shared/outbound";
import {
  authorizationServerMetadataUrls,
  checkAuthorizationServerMetadata,
  checkResourceMetadata,
  resourceMetadataUrls,
  selectScopes,
} from "./discovery";
import { mcp } from "./provider";
import { chooseRegistration } from "./registration";

const metadata = {
  issuer: "https://as.example/t1",
  authorization_endpoint: "https://as.example/t1/authorize",
  token_endpoint: "https://as.example/t1/token",
  code_challenge_methods_supported: ["S256"],
};

describe("discovery decisions", () => {
  it("orders the well-known URLs as the MCP spec lists them", () => {
    expect(resourceMetadataUrls("https://mcp.example/a/mcp")).toEqual([
      "https://mcp.example/.well-known/oauth-protected-resource/a/mcp",
      "https://mcp.example/.well-known/oauth-protected-resource",
    ]);
    expect(authorizationServerMetadataUrls("https://as.example/t1")).toEqual([
      "https://as.example/.well-known/oauth-authorization-server/t1",
      "https://as.example/.well-known/openid-configuration/t1",
      "https://as.example/t1/.well-known/openid-configuration",
    ]);
    expect(authorizationServerMetadataUrls("https://as.example")).toEqual([
      "https://as.example/.well-known/oauth-authorization-server",
      "https://as.example/.well-known/openid-configuration",
    ]);
  });

  it("refuses metadata about another resource, another issuer, or without S256", () => {
    expect(() =>
      checkResourceMetadata("https://mcp.example/mcp", {
        resource: "https://evil.example/mcp",
        authorization_servers: ["https://as.example"],
      }),
    ).toThrow(/about another resource/);
    expect(() =>
      checkAuthorizationServerMetadata("https://as.example/t2", metadata, defaultOutboundPolicy),
    ).toThrow(/another issuer/);
    for (const methods of [undefined, ["plain"]]) {
      expect(() =>
        checkAuthorizationServerMetadata(
          metadata.issuer,
          { ...metadata, code_challenge_methods_supported: methods },
          defaultOutboundPolicy,
        ),
      ).toThrow(expect.objectContaining({ code: "mcp_pkce_unsupported" }));
    }
  });

  it("takes scopes from the challenge, else scopes_supported, else none", () => {
    const resource = { resource: "x", scopes_supported: ["a", "b"] };
    expect(selectScopes({ scope: "c d" }, resource)).toEqual(["c", "d"]);
    expect(selectScopes({}, resource)).toEqual(["a", "b"]);
    expect(selectScopes({}, { resource: "x" })).toEqual([]);
  });
});

describe("registration choice", () => {
  const cimd = "https://app.example/api/connections/oauth-client.json";
  it("prefers pre-registered, then a metadata document, then dynamic registration", () => {
    const full = {
      ...metadata,
      client_id_metadata_document_supported: true,
      registration_endpoint: "https://as.example/register",
    };
    expect(
      chooseRegistration({ clientId: "x", metadata: full, clientMetadataUrl: cimd }).method,
    ).toBe("pre-registered");
    expect(chooseRegistration({ metadata: full, clientMetadataUrl: cimd })).toEqual({
      method: "client-id-metadata-document",
      clientId: cimd,
    });
    expect(chooseRegistration({ metadata: full, clientMetadataUrl: null }).method).toBe("dynamic");
    expect(() => chooseRegistration({ metadata, clientMetadataUrl: cimd })).toThrow(
      expect.objectContaining({ code: "mcp_registration_unavailable" }),
    );
  });
});

describe("outbound guard", () => {
  it("relaxes the guard for exactly the allowed origins, and guards an MCP server's endpoints", async () => {
    const policy = {
      ...defaultOutboundPolicy,
      allowedOrigins: new Set(["http://127.0.0.1:3052"]),
    };
    await expect(
      assertFetchable(new URL("http://127.0.0.1:3052/token"), policy),
    ).resolves.toBeUndefined();
    for (const url of ["http://127.0.0.1:3053/token", "https://127.0.0.1:3052/token"]) {
      await expect(assertFetchable(new URL(url), policy)).rejects.toMatchObject({
        code: "unsafe_url",
      });
    }
    // Metadata named the token endpoint: it passes the same guard before every call.
    const server = mcp({ name: "s", url: "https://mcp.example/mcp" });
    await expect(
      assertFetchable(new URL("http://169.254.169.254/token"), server.outbound!),
    ).rejects.toThrow(/Refused/);
  });

  it("reads max-age, and no-store as zero", () => {
    expect(maxAgeMs(new Headers({ "cache-control": "public, max-age=60" }))).toBe(60_000);
    expect(maxAgeMs(new Headers({ "cache-control": "no-store, max-age=60" }))).toBe(0);
    expect(maxAgeMs(new Headers())).toBe(0);
  });
});
