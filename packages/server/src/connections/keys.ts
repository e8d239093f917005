import type { Credential } from "./credential";

export type Visibility = "user" | "workspace";

export type ConnectionKey = {
  tenantId: string;
  provider: string;
  visibility: Visibility;
  /** The owning user for user connections; ignored for workspace connections. */
  userId: string;
};

export type SaveConnectionInput = ConnectionKey & {
  credential: Credential;
  scopes: string[];
  name: string | null;
  handle: string | null;
  accountId: string | null;
  /** The authorization server that granted an OAuth credential, and its token endpoint. */
  issuer?: string | null;
  tokenEndpoint?: string | null;
  expiresAt: Date | null;
  nextRefreshAt: Date | null;
  nextCheckAt: Date | null;
};

/** The unique key's owner column: the user of a user connection, "" for a workspace one. */
export function ownerKeyOf(key: Pick<ConnectionKey, "visibility" | "userId">): string {
  return key.visibility === "user" ? key.userId : "";
}
