import { isConnectionRequired } from "@x/client";
import { ConnectButton, type ConnectButtonProps } from "./connect-button";

export type ConnectionRequiredProps = Omit<ConnectButtonProps, "provider"> & {
  /** Any caught error; renders nothing unless it is connection_required or reauth_required. */
  error: unknown;
};

/** Turns a 409 connection_required / reauth_required from any call into a connect prompt. */
export const ConnectionRequired = ({ error, ...buttonProps }: ConnectionRequiredProps) =>
  isConnectionRequired(error) ? (
    <div role="alert" data-x-connect="required">
      <p>{error.message}</p>
      <ConnectButton provider={error.provider} {...buttonProps} />
    </div>
  ) : null;
