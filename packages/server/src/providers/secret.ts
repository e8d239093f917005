import type { SecretProvider } from "./types";

export type SecretOptions = {
  name: string;
  displayName?: string | undefined;
  iconUrl?: string | undefined;
  validate?: SecretProvider["validate"] | undefined;
  /** Where connections.fetch() may send the secret, e.g. ["https://api.example.com"]. */
  apiOrigins?: string[] | undefined;
};

/** An API key or any other string secret that a user pastes in. */
export function secret(options: SecretOptions): SecretProvider {
  return {
    kind: "secret",
    name: options.name,
    displayName: options.displayName ?? options.name,
    ...(options.iconUrl ? { iconUrl: options.iconUrl } : {}),
    ...(options.validate ? { validate: options.validate } : {}),
    ...(options.apiOrigins ? { apiOrigins: options.apiOrigins } : {}),
  };
}
