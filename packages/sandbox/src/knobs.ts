import { SandboxConfigError } from "./errors";

export type TokenEndpointAuth = "client_secret_post" | "client_secret_basic" | "any";

/** "slack": answers as Slack's oauth.v2.access does for user scopes, to test a client's quirks. */
export type TokenResponseShape = "standard" | "slack";

/** Behaviour switches a test flips to provoke the provider behaviours a client must survive. */
export type SandboxKnobs = {
  /** Added before every token, revocation and API response. */
  latencyMs: number;
  /** null omits expires_in and the access token never expires at the sandbox. */
  accessTokenTtlSeconds: number | null;
  issueRefreshToken: boolean;
  /** Each refresh returns a new refresh token and the old one stops working. */
  rotateRefreshToken: boolean;
  /** Adds iss to the authorization response (RFC 9207). */
  sendIssuer: boolean;
  tokenEndpointAuth: TokenEndpointAuth;
  /** The next POST /oauth/token answers this, once. A string body is sent as text/plain. */
  failNextToken: { status: number; body?: unknown } | null;
  /** Merged into every successful token response, e.g. Salesforce's `instance_url`. */
  tokenResponseExtras: Record<string, unknown>;
  tokenResponseShape: TokenResponseShape;
  /** RFC 6749 §5.1: `scope` may be left out when it is what was asked for; false leaves it out. */
  returnScope: boolean;
};

export const defaultKnobs: Readonly<SandboxKnobs> = Object.freeze({
  latencyMs: 0,
  accessTokenTtlSeconds: 3600,
  issueRefreshToken: true,
  rotateRefreshToken: true,
  sendIssuer: true,
  tokenEndpointAuth: "any",
  failNextToken: null,
  tokenResponseExtras: Object.freeze({}),
  tokenResponseShape: "standard",
  returnScope: true,
});

type KnobCheck = (value: unknown) => string | null;

const isBoolean: KnobCheck = (value) => (typeof value === "boolean" ? null : "must be a boolean");

const knobChecks: Record<keyof SandboxKnobs, KnobCheck> = {
  latencyMs: (value) =>
    typeof value === "number" && Number.isFinite(value) && value >= 0
      ? null
      : "must be a finite number >= 0",
  accessTokenTtlSeconds: (value) =>
    value === null || (Number.isInteger(value) && (value as number) >= 0)
      ? null
      : "must be null or an integer >= 0",
  issueRefreshToken: isBoolean,
  rotateRefreshToken: isBoolean,
  sendIssuer: isBoolean,
  tokenEndpointAuth: (value) =>
    value === "client_secret_post" || value === "client_secret_basic" || value === "any"
      ? null
      : 'must be "client_secret_post", "client_secret_basic" or "any"',
  failNextToken: (value) => {
    if (value === null) return null;
    if (typeof value !== "object" || Array.isArray(value)) {
      return "must be null or { status, body? }";
    }
    const status = (value as { status?: unknown }).status;
    return Number.isInteger(status) && (status as number) >= 200 && (status as number) <= 599
      ? null
      : "status must be an integer from 200 to 599";
  },
  tokenResponseExtras: (value) =>
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? null
      : "must be an object",
  tokenResponseShape: (value) =>
    value === "standard" || value === "slack" ? null : 'must be "standard" or "slack"',
  returnScope: isBoolean,
};

function isKnobName(name: string): name is keyof SandboxKnobs {
  return Object.hasOwn(knobChecks, name);
}

/** Validates a partial knob set (from code or from a JSON body); throws naming the bad knob. */
export function parseKnobsPatch(patch: unknown): Partial<SandboxKnobs> {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
    throw new SandboxConfigError("knobs must be an object");
  }
  for (const [name, value] of Object.entries(patch)) {
    if (!isKnobName(name)) throw new SandboxConfigError(`unknown knob "${name}"`);
    const problem = knobChecks[name](value);
    if (problem) throw new SandboxConfigError(`knob "${name}" ${problem}`);
  }
  return patch as Partial<SandboxKnobs>;
}

export function createKnobs(overrides: Partial<SandboxKnobs> = {}): SandboxKnobs {
  return { ...defaultKnobs, ...parseKnobsPatch(overrides) };
}

/** Mutates in place: the app reads the same object the caller holds as `sandbox.knobs`. */
export function applyKnobs(knobs: SandboxKnobs, patch: unknown): SandboxKnobs {
  return Object.assign(knobs, parseKnobsPatch(patch));
}
