import type { ConnectRedirectResult } from "@x/client";

/** The outcome of a connect, from a popup's promise or from a redirect's query parameters. */
export type ConnectOutcome = {
  status: "success" | "error";
  provider: string;
  code?: string;
  message?: string;
};

export type Notice = { tone: "success" | "error"; text: string };

export const outcomeOfRedirect = (result: ConnectRedirectResult | null): ConnectOutcome | null =>
  result?.status === "success"
    ? { status: "success", provider: result.provider }
    : result
      ? { status: "error", provider: result.provider, code: result.error.code }
      : null;

/** What the user reads: what happened, in their words, and what they can do about it. */
export function connectNotice(outcome: ConnectOutcome, displayName: string): Notice {
  if (outcome.status === "success") return { tone: "success", text: `${displayName} connected.` };
  const text = errorText(outcome.code, displayName) ?? outcome.message;
  return { tone: "error", text: text ?? `Connecting ${displayName} failed. Please try again.` };
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
    case "forbidden":
      return "Only a workspace admin can do that.";
    case "provider_error":
    case "provider_unreachable":
    case "network_error":
      return `${name} could not be reached. Try again in a moment.`;
    default:
      return undefined;
  }
}
