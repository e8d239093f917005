import type { Connection } from "./connections/view";

export type ConnectionEventType =
  | "connection.created"
  | "connection.reconnected"
  | "connection.refreshed"
  | "connection.auth_failed"
  | "connection.revoked"
  | "connection.deleted";

/** Events carry the public view of a connection, never its credential. */
export type ConnectionEvent = {
  type: ConnectionEventType;
  connection: Connection;
  /** Set on `connection.reconnected` when the connection had failed: it recovered. */
  recovered?: boolean;
  /**
   * Why `connection.auth_failed` happened when the provider did not say so itself:
   * "issuer_changed" when the server's metadata names another authorization server than the
   * one that granted the connection (its tokens are never sent there).
   */
  reason?: "issuer_changed";
  at: string;
};

export type OnEvent = (event: ConnectionEvent) => void | Promise<void>;
