import { isConnectionRequired, isInsufficientScope } from "@x/client";
import { ConnectButton, type ConnectButtonProps } from "./connect-button";

export type ConnectionRequiredProps = Omit<ConnectButtonProps, "provider" | "scopes"> & {
  /** Any caught error; renders nothing unless connecting again would fix it. */
  error: unknown;
};

/**
 * Turns a 409 connection_required / reauth_required from any call into a connect prompt, and a
 * 403 insufficient_scope into a re-consent for the scopes it names (the same connection is
 * updated with the union of what it held and what was needed).
 */
export const ConnectionRequired = ({ error, ...buttonProps }: ConnectionRequiredProps) =>
  isConnectionRequired(error) || isInsufficientScope(error) ? (
    <div role="alert" data-x-connect="required" data-error={error.code}>
      <p>{error.message}</p>
      <ConnectButton
        provider={error.provider}
        scopes={(error as { scopes?: string[] }).scopes}
        {...buttonProps}
      />
    </div>
  ) : null;
