/**
 * Our Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document §4): served at
 * its own URL, which is the client_id. There is one per authorization server, each naming that
 * server's own callback (RFC 9700 §4.4.2.2). The kit is a public client under this approach: the
 * document cannot carry a secret, and we hold no key for private_key_jwt.
 */
export function clientMetadataDocument(input: {
  clientId: string;
  clientName: string;
  clientUri: string;
  redirectUri: string;
}): Record<string, unknown> {
  return {
    client_id: input.clientId,
    client_name: input.clientName,
    client_uri: input.clientUri,
    redirect_uris: [input.redirectUri],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
  };
}
