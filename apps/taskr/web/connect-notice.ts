import type { ConnectRedirectResult, Provider } from "@x/client";

/**
 * The outcome of a connect, from a popup's promise or from a redirect's query parameters. No
 * free text: a redirect's query string is anyone's to write, so only its codes are kept.
 */
export type ConnectOutcome = { status: "success" | "error"; provider: string; code?: string };

export type Notice = { tone: "success" | "error"; text: string };

export const outcomeOfRedirect = (result: ConnectRedirectResult | null): ConnectOutcome | null =>
  result?.status === "success"
    ? { status: "success", provider: result.provider }
    : result
      ? { status: "error", provider: result.provider, code: result.error.code }
      : null;

/**
 * What the user reads, in our words only: the provider's name as the server lists it, and a
 * fixed sentence per known code. A provider the server does not list cannot have been connected
 * here (a crafted `?x_connect=` link): nothing is shown.
 */
export function connectNotice(
  outcome: ConnectOutcome,
  providers: readonly Pick<Provider, "name" | "displayName">[],
): Notice | null {
  const provider = providers.find((listed) => listed.name === outcome.provider);
  if (!provider) return null;
  const name = provider.displayName;
  if (outcome.status === "success") return { tone: "success", text: `${name} connected.` };
  return {
    tone: "error",
    text: errorText(outcome.code, name) ?? `Connecting ${name} failed. Please try again.`,
  };
}

function errorText(code: string | undefined, name: string): string | undefined {
  switch (code) {
    case "consent_denied":
      return `${name} access was not granted. Nothing was connected; connect again whenever you are ready.`;
    case "cancelled":
      return `The ${name} window was closed before access was granted.`;
    case "popup_blocked":
      return `Your browser blocked the ${name} window. Allow pop-ups for Taskr and try again.`;
    case "invalid_state":
      return `That ${name} sign-in expired or was already used. Please connect again.`;
    case "issuer_mismatch":
      return `That sign-in did not come from ${name}, so nothing was connected. Please connect again.`;
    case "forbidden":
      return "Only a workspace admin can do that.";
    case "unauthenticated":
      return `Your Taskr session has ended. Log in again, then connect ${name}.`;
    case "provider_not_configured":
      return `${name} is not set up on this Taskr yet. Ask the person who runs it.`;
    case "store_unavailable":
      return `Taskr could not save the ${name} connection just now. Try again in a moment.`;
    case "provider_error":
    case "provider_unreachable":
    case "network_error":
      return `${name} could not be reached. Try again in a moment.`;
    default:
      return undefined;
  }
}
