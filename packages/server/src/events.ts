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
  at: string;
};

export type OnEvent = (event: ConnectionEvent) => void | Promise<void>;
