/** kebab-case, 64 characters at most: every provider's name, and all a lookup ever accepts. */
const PROVIDER_NAME = /^[a-z][a-z0-9-]{0,63}$/;

export function isProviderName(name: unknown): name is string {
  return typeof name === "string" && PROVIDER_NAME.test(name);
}
