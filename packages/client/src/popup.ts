import { ConnectError } from "./errors";
import type { ConnectResult, FlowOutcome } from "./types";

const width = 520;
const height = 680;

/**
 * Opens an empty, centred popup. Call it synchronously inside the click handler: a window
 * opened after an `await` has lost the user activation and is blocked.
 */
export const openPopup = (name: string): Window | null => {
  const left = window.screenX + (window.outerWidth - width) / 2;
  const top = window.screenY + (window.outerHeight - height) / 2;
  // An empty URL opens about:blank (HTML's window open steps), same-origin until navigated.
  return window.open("", name, `popup,width=${width},height=${height},left=${left},top=${top}`);
};

/** Decides what a posted result or a GET /flows answer means; `pending` means nobody finished. */
export const settleOutcome = (outcome: FlowOutcome): ConnectResult | ConnectError => {
  const { status, provider, connectionId, error } = outcome;
  if (status === "success") return { status, provider, connectionId };
  if (status === "error") {
    const code = error?.code ?? "provider_error";
    return new ConnectError(code, error?.message ?? code, { provider });
  }
  return new ConnectError("cancelled", "Connection cancelled", { provider });
};

/** True for the popup's `x-connect:result` message of this flow, and only from the BFF. */
export const isFlowMessage = (event: MessageEvent, origin: string, nonce: string): boolean =>
  event.origin === origin && event.data?.type === "x-connect:result" && event.data.nonce === nonce;

export type WaitOptions = {
  popup: Window;
  origin: string;
  nonce: string;
  /** Asks the server (GET /flows/:flowId), since `popup.closed` lies under COOP. */
  confirm: () => Promise<FlowOutcome>;
};

export const waitForResult = ({
  popup,
  origin,
  nonce,
  confirm,
}: WaitOptions): Promise<ConnectResult> =>
  new Promise((resolve, reject) => {
    let done = false;
    const finish = (result: ConnectResult | ConnectError) => {
      if (done) return;
      done = true;
      window.removeEventListener("message", onMessage);
      clearInterval(poll);
      clearTimeout(timer);
      result instanceof ConnectError ? reject(result) : resolve(result);
    };
    const onMessage = (event: MessageEvent) => {
      if (isFlowMessage(event, origin, nonce)) finish(settleOutcome(event.data));
    };
    const poll = setInterval(() => {
      if (!popup.closed) return;
      clearInterval(poll);
      confirm()
        .then(settleOutcome, (error) => error)
        .then(finish);
    }, 500);
    // Ten minutes: longer than any consent screen, shorter than a forgotten tab.
    const timer = setTimeout(() => {
      popup.close();
      finish(new ConnectError("cancelled", "Connection timed out"));
    }, 600_000);
    window.addEventListener("message", onMessage);
  });
