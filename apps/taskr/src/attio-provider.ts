import { defaultSandboxClient, startSandbox } from "@x/sandbox";
import { attio, type OAuthProvider } from "@x/server";
import type { TaskrConfig } from "./config";

export type AttioSetup = {
  provider: OAuthProvider;
  apiUrl: string;
  close(): Promise<void>;
};

/**
 * Real Attio when credentials are set; otherwise the sandbox on loopback, over real HTTP, with a
 * client registered for exactly this app's redirect URI.
 */
export async function setUpAttio(config: TaskrConfig, redirectUri: string): Promise<AttioSetup> {
  if (!config.useSandbox) {
    return {
      provider: attio({
        clientId: config.ATTIO_CLIENT_ID!,
        clientSecret: config.ATTIO_CLIENT_SECRET!,
        ...attioAt(config.ATTIO_APP_URL, config.ATTIO_API_URL),
      }),
      apiUrl: config.ATTIO_API_URL,
      close: async () => {},
    };
  }
  const sandbox = await startSandbox({
    port: config.SANDBOX_PORT,
    clients: [{ ...defaultSandboxClient, redirectUris: [redirectUri] }],
  });
  return {
    provider: attio({
      clientId: defaultSandboxClient.clientId,
      clientSecret: defaultSandboxClient.clientSecret,
      ...attioAt(sandbox.url, sandbox.url),
    }),
    apiUrl: sandbox.url,
    close: () => sandbox.close(),
  };
}

/**
 * attio()'s endpoints and API origin for Attio's OAuth pages at `appUrl` and its REST API at
 * `apiUrl` (ATTIO_APP_URL and ATTIO_API_URL; both the sandbox's URL offline).
 */
function attioAt(appUrl: string, apiUrl: string) {
  const app = appUrl.replace(/\/+$/, "");
  const api = apiUrl.replace(/\/+$/, "");
  return {
    endpoints: {
      authorizationEndpoint: `${app}/authorize`,
      tokenEndpoint: `${app}/oauth/token`,
      revocationEndpoint: `${app}/oauth/revoke`,
      identityUrl: `${api}/v2/self`,
    },
    apiOrigins: [new URL(api).origin],
  };
}
