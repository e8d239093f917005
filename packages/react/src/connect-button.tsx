import type { ConnectError, ConnectMode, ConnectResult, Visibility } from "@x/client";
import { type ReactNode, useId } from "react";
import { useConnect, useConnection, useProvider } from "./hooks";

export type ConnectButtonState =
  | "idle"
  | "connecting"
  | "connected"
  | "needs_reconnect"
  | "needs_scopes"
  | "not_configured";

export type ConnectButtonProps = {
  provider: string;
  mode?: ConnectMode;
  visibility?: Visibility;
  /**
   * Scopes the connection must hold (a step-up, e.g. an insufficient_scope error's `scopes`).
   * A connection without them shows "Grant more access"; the user consents to the union.
   */
  scopes?: string[];
  onSuccess?: (result: ConnectResult) => void;
  onError?: (error: ConnectError) => void;
  /** A label, or a render function of the state for full control of the content. */
  children?: ReactNode | ((state: ConnectButtonState) => ReactNode);
  className?: string;
};

const label = (state: ConnectButtonState, displayName: string) =>
  state === "connecting"
    ? "Connecting…"
    : state === "connected"
      ? "Connected"
      : state === "needs_reconnect"
        ? `Reconnect ${displayName}`
        : state === "needs_scopes"
          ? `Grant ${displayName} more access`
          : `Connect ${displayName}`;

/** The message a screen reader hears, and a sighted user reads beside the button. */
const statusText = (state: ConnectButtonState, displayName: string, error: ConnectError | null) =>
  state === "not_configured"
    ? "Needs server admin"
    : state === "connecting"
      ? `Connecting to ${displayName}…`
      : error?.message;

export const ConnectButton = ({
  provider,
  mode,
  visibility,
  scopes,
  onSuccess,
  onError,
  children,
  className,
}: ConnectButtonProps) => {
  const statusId = useId();
  const { data: connection } = useConnection(provider, visibility);
  const { connect, isPending, error } = useConnect();
  const details = useProvider(provider);
  const displayName = details?.displayName ?? provider;
  const state: ConnectButtonState = isPending
    ? "connecting"
    : details?.configured === false
      ? "not_configured"
      : connection?.status === "auth_failed"
        ? "needs_reconnect"
        : connection?.status !== "active"
          ? "idle"
          : scopes?.some((scope) => !connection.scopes.includes(scope))
            ? "needs_scopes"
            : "connected";

  return (
    <>
      <button
        type="button"
        className={className}
        data-x-connect="button"
        data-state={state}
        aria-busy={isPending || undefined}
        aria-describedby={statusId}
        disabled={state === "not_configured"}
        onClick={() => {
          // No await before connect: the popup must open inside this click.
          if (!isPending) connect(provider, { mode, visibility, scopes }, { onSuccess, onError });
        }}
      >
        {typeof children === "function" ? children(state) : (children ?? label(state, displayName))}
      </button>
      <span
        id={statusId}
        role="status"
        aria-live="polite"
        data-x-connect="status"
        data-error={error?.code}
      >
        {statusText(state, displayName, error)}
      </span>
    </>
  );
};
