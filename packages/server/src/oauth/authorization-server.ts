import * as oauth from "oauth4webapi";
import type { OAuthProvider, ProviderQuirks } from "../providers/types";
import { boundedResponse, guardedResponse, MAX_RESPONSE_BYTES } from "../shared/outbound";
import { type HttpOperation, tracedRequest } from "../telemetry";

/** The issuer a grant comes from: the provider's, else its authorization endpoint's origin. */
export function issuerOf(provider: OAuthProvider): string {
  return provider.issuer ?? new URL(provider.authorizationEndpoint).origin;
}

/** Provider data → the objects oauth4webapi works with. */
export function authorizationServerOf(provider: OAuthProvider): oauth.AuthorizationServer {
  return {
    issuer: issuerOf(provider),
    authorization_endpoint: provider.authorizationEndpoint,
    token_endpoint: provider.tokenEndpoint,
    ...(provider.revocationEndpoint ? { revocation_endpoint: provider.revocationEndpoint } : {}),
    ...(provider.issParameterSupported
      ? { authorization_response_iss_parameter_supported: true }
      : {}),
  };
}

/** RFC 8707 §2.2: the token and refresh requests name the resource again. */
export function resourceParameters(provider: OAuthProvider): {
  additionalParameters?: Record<string, string>;
} {
  return provider.resource ? { additionalParameters: { resource: provider.resource } } : {};
}

export function clientOf(provider: OAuthProvider): oauth.Client {
  return { client_id: provider.clientId ?? "" };
}

export function clientAuthOf(provider: OAuthProvider): oauth.ClientAuth {
  switch (provider.clientAuth) {
    case "client_secret_basic":
      return oauth.ClientSecretBasic(provider.clientSecret ?? "");
    case "client_secret_post":
      return oauth.ClientSecretPost(provider.clientSecret ?? "");
    case "none":
      return oauth.None();
  }
}

type CustomFetch = (
  url: string,
  options: oauth.CustomFetchOptions<string, unknown>,
) => Promise<Response>;

export type RequestOptions = {
  [oauth.allowInsecureRequests]?: boolean;
  [oauth.customFetch]?: CustomFetch;
  signal: AbortSignal;
};

/**
 * Plain http is refused except on loopback, where the sandbox and local issuers live
 * (RFC 8252 §8.3 treats loopback as safe from network attackers). Every answer is read under
 * the size cap before oauth4webapi parses it, whoever the provider is. Given the provider,
 * calls pass its outbound policy (the SSRF guard, for endpoints a stranger's metadata named), and
 * calls to its token endpoint go through its `tokenResponse` quirk: the one place quirks touch
 * tokens.
 */
export function requestOptions(
  url: string,
  timeoutMs: number,
  provider?: OAuthProvider,
): RequestOptions {
  const quirk = provider?.quirks?.tokenResponse;
  const policy = provider?.outbound;
  const bounded: CustomFetch = async (target, options) => {
    const init = { ...(options as RequestInit), redirect: "manual" as const };
    const labels = { provider: provider?.name, operation: operationOf(target, provider) };
    const response = await tracedRequest(init.method ?? "GET", new URL(target), labels, () =>
      policy ? guardedResponse(new URL(target), init, policy) : fetch(target, init),
    );
    return boundedResponse(response, MAX_RESPONSE_BYTES);
  };
  return {
    ...(isLoopbackHttp(url) ? { [oauth.allowInsecureRequests]: true } : {}),
    [oauth.customFetch]:
      quirk && url === provider.tokenEndpoint ? quirkedFetch(quirk, bounded) : bounded,
    signal: AbortSignal.timeout(timeoutMs),
  };
}

function operationOf(url: string, provider: OAuthProvider | undefined): HttpOperation {
  if (url === provider?.revocationEndpoint) return "revocation";
  return url === provider?.tokenEndpoint ? "token" : "metadata";
}

/** fetch, then the quirk on the answer; oauth4webapi validates what comes out as usual. */
export function quirkedFetch(
  quirk: NonNullable<ProviderQuirks["tokenResponse"]>,
  send: CustomFetch,
): CustomFetch {
  return async (url, options) => applyTokenResponseQuirk(await send(url, options), quirk);
}

/**
 * A JSON object body is rewritten by the quirk. RFC 6749 §5.2 says errors are 4xx; a provider
 * that answers an error with a 2xx (Slack, GitHub) gets a 400, so it maps to our typed errors.
 */
export async function applyTokenResponseQuirk(
  response: Response,
  quirk: NonNullable<ProviderQuirks["tokenResponse"]>,
): Promise<Response> {
  if (!/\bjson\b/i.test(response.headers.get("content-type") ?? "")) return response;
  let body: unknown;
  try {
    body = await response.clone().json();
  } catch {
    return response;
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return response;
  await response.body?.cancel();
  const normalised = quirk(body as Record<string, unknown>);
  const isError = typeof normalised.error === "string";
  const status = isError && response.status < 300 ? 400 : response.status;
  const headers = new Headers(response.headers);
  // The new body is plain JSON text: the original's encoding and length no longer describe it.
  headers.delete("content-encoding");
  headers.delete("content-length");
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify(normalised), { status, headers });
}

export function isLoopbackHttp(url: string): boolean {
  const parsed = new URL(url);
  return (
    parsed.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(parsed.hostname)
  );
}
