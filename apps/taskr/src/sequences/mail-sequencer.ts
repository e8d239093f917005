/**
 * The mail sequencing tool of Attio's connections guide (shared seed 001): enrolling a prospect is
 * one POST with the user's API key as a Bearer token. The tool does not exist offline, so the
 * default sender is a stand-in that answers what the tool would, and never echoes the key.
 */
export const MAIL_SEQUENCER = "mail-sequencer";
export const SEQUENCER_URL = "https://emailsequencingtool.com/api/v1/sequences";

export type Enrollment = { email: string; sequenceId: number; mailboxId: number };
export type EnrollmentResult = { enrolled: string; sequenceId: number; authorized: boolean };

/** What reaches the tool: the key only in the Authorization header, never in the body. */
export function enrollmentRequest(enrollment: Enrollment, apiKey: string): Request {
  return new Request(SEQUENCER_URL, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(enrollment),
  });
}

export type SendEnrollment = (request: Request) => Promise<EnrollmentResult>;

/** The offline stand-in: it checks the request is authorized, as the tool would, and says so. */
export const offlineSequencer: SendEnrollment = async (request) => {
  const body = (await request.json()) as Enrollment;
  return {
    enrolled: body.email,
    sequenceId: body.sequenceId,
    authorized: /^Bearer \S{16,}$/.test(request.headers.get("authorization") ?? ""),
  };
};
