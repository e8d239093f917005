/**
 * Live counters. Grant counters count requests by grant_type whether or not they succeed, so a
 * test can prove a client sent exactly one refresh even when a duplicate would have failed.
 */
export type SandboxStats = {
  tokenRequests: number;
  authorizationCodeGrants: number;
  refreshGrants: number;
  revocations: number;
};

export function createStats(): SandboxStats {
  return { tokenRequests: 0, authorizationCodeGrants: 0, refreshGrants: 0, revocations: 0 };
}
