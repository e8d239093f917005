import { ApiError } from "./api";

/**
 * What a refused sign-in says, in our words. The server's own message is shown for the rest:
 * it is Taskr's text about the user's own input (a too-short password), never a secret.
 */
export function authErrorText(error: Error, secondsLeft: number): string {
  if (!(error instanceof ApiError)) return error.message;
  switch (error.code) {
    case "too_many_attempts":
      return secondsLeft > 0
        ? `Too many attempts. Wait ${secondsLeft} second${secondsLeft === 1 ? "" : "s"}, then try again.`
        : "Too many attempts. You can try again now.";
    case "busy":
      return "Taskr is busy right now. Try again in a moment.";
    default:
      return error.message;
  }
}
