/**
 * Checks of the adoption test that fail until another part of issue #16 lands. Each entry turns
 * one check into report-only: it still runs and its error is printed, but it does not fail the
 * run as long as every line of the error matches `failsWith` (any other failure still fails).
 * Delete the entry when its item lands: the run fails while a listed check passes, so the list
 * stays exactly the set of failures.
 */
export const knownFailures: Record<string, { because: string; failsWith: RegExp }> = {};
