import * as oauth from "oauth4webapi";
import { describe, expect, it, vi } from "vitest";
import type { OAuthProvider } from "../providers/types";
import { defaultOutboundPolicy, MAX_RESPONSE_BYTES } from "../shared/outbound";
import {
  applyTokenResponseQuirk,
  authorizationServerOf,
  quirkedFetch,
  requestOptions,
} from "./authorization-server";

const rename = (body: Record<string, unknown>) => ({ ...body, access_token: body.token });
const jsonResponse = (body: unknown, status = 200) =>
  Response.json(body, { status, headers: { "cache-control": "no-store" } });

describe("applyTokenResponseQuirk", () => {
  it("rewrites a JSON body and keeps status and headers", async () => {
    const response = await applyTokenResponseQuirk(jsonResponse({ token: "t" }), rename);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ token: "t", access_token: "t" });
  });

  it("answers a 2xx that the quirk turns into an error as HTTP 400 (RFC 6749 §5.2)", async () => {
    const response = await applyTokenResponseQuirk(jsonResponse({ ok: false }), () => ({
      error: "invalid_grant",
    }));
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ error: "invalid_grant" });
  });

  it("keeps a 4xx or 5xx status as it is", async () => {
    const response = await applyTokenResponseQuirk(jsonResponse({ error: "x" }, 401), (b) => b);
    expect(response.status).toBe(401);
  });

  it("passes non-JSON and non-object bodies through untouched", async () => {
    const text = new Response("oops", { status: 502, headers: { "content-type": "text/plain" } });
    expect(await applyTokenResponseQuirk(text, rename)).toBe(text);
    const list = jsonResponse([1]);
    expect(await applyTokenResponseQuirk(list, rename)).toBe(list);
  });

  it("leaves oauth4webapi to validate the normalised response", async () => {
    const as = { issuer: "https://as.example" };
    const client = { client_id: "c" };
    const normalised = await applyTokenResponseQuirk(jsonResponse({ ok: false }), () => ({
      error: "invalid_grant",
    }));
    await expect(oauth.processRefreshTokenResponse(as, client, normalised)).rejects.toBeInstanceOf(
      oauth.ResponseBodyError,
    );
  });
});

describe("requestOptions", () => {
  const provider: OAuthProvider = {
    kind: "oauth2",
    name: "p",
    displayName: "P",
    authorizationEndpoint: "https://as.example/authorize",
    tokenEndpoint: "https://as.example/token",
    revocationEndpoint: "https://as.example/revoke",
    scopes: [],
    scopeSeparator: " ",
    clientAuth: "client_secret_post",
    pkce: true,
    quirks: { tokenResponse: rename },
  };

  it("routes only the token endpoint of a provider with a tokenResponse quirk through it", async () => {
    const answered = vi
      .spyOn(globalThis, "fetch")
      .mockImplementation(async () => jsonResponse({ token: "t" }));
    try {
      const bodyVia = async (url: string, withProvider = true) => {
        const send = requestOptions(url, 1000, withProvider ? provider : undefined)[
          oauth.customFetch
        ]!;
        return (
          await send(url, { body: undefined, headers: {}, method: "POST", redirect: "manual" })
        ).json();
      };
      expect(await bodyVia(provider.tokenEndpoint)).toMatchObject({ access_token: "t" });
      expect(await bodyVia(provider.revocationEndpoint!)).not.toHaveProperty("access_token");
      expect(await bodyVia(provider.tokenEndpoint, false)).not.toHaveProperty("access_token");
    } finally {
      answered.mockRestore();
    }
  });

  it("reads every answer under the size cap, whatever the provider (a hostile token endpoint)", async () => {
    const huge = new Uint8Array(MAX_RESPONSE_BYTES + 1);
    const answered = vi
      .spyOn(globalThis, "fetch")
      .mockImplementation(
        async () => new Response(huge, { headers: { "content-type": "application/json" } }),
      );
    try {
      const send = requestOptions("https://as.example/token", 1000)[oauth.customFetch]!;
      await expect(
        send("https://as.example/token", {
          body: undefined,
          headers: {},
          method: "POST",
          redirect: "manual",
        }),
      ).rejects.toMatchObject({ code: "response_too_large" });
    } finally {
      answered.mockRestore();
    }
  });

  it("checks every token and revocation call against the provider's outbound policy before sending it", async () => {
    // The endpoints resolve to loopback, which a policy without relaxations refuses.
    const guarded: OAuthProvider = {
      ...provider,
      tokenEndpoint: "https://127.0.0.1:9/token",
      revocationEndpoint: "https://127.0.0.1:9/revoke",
      outbound: defaultOutboundPolicy,
    };
    const as = authorizationServerOf(guarded);
    const client = { client_id: "c" };
    await expect(
      oauth.refreshTokenGrantRequest(
        as,
        client,
        oauth.None(),
        "rt",
        requestOptions(guarded.tokenEndpoint, 1000, guarded),
      ),
    ).rejects.toMatchObject({ code: "unsafe_url" });
    await expect(
      oauth.revocationRequest(
        as,
        client,
        oauth.None(),
        "t",
        requestOptions(guarded.revocationEndpoint!, 1000, guarded),
      ),
    ).rejects.toMatchObject({ code: "unsafe_url" });
  });

  it("quirkedFetch applies the quirk to what fetch answered", async () => {
    const fetchStub = async () => jsonResponse({ token: "t" });
    const response = await quirkedFetch(rename, fetchStub)("https://as.example", {
      body: undefined,
      headers: {},
      method: "POST",
      redirect: "manual",
    });
    expect(await response.json()).toMatchObject({ access_token: "t" });
  });

  it("promises iss on authorization responses only when the provider says so (RFC 9207)", () => {
    expect(authorizationServerOf(provider)).not.toHaveProperty(
      "authorization_response_iss_parameter_supported",
    );
    expect(
      authorizationServerOf({ ...provider, issParameterSupported: true })
        .authorization_response_iss_parameter_supported,
    ).toBe(true);
  });
});
