/** Fixed content so snapshots and screenshots are stable; deadlines are absolute on purpose. */
export const taskSeed: ReadonlyArray<{
  content: string;
  deadlineAt: string | null;
  isCompleted: boolean;
  createdAt: string;
}> = [
  {
    content: "Follow up with Acme Corp about renewal",
    deadlineAt: "2025-07-01T09:00:00.000Z",
    isCompleted: false,
    createdAt: "2025-05-02T08:14:00.000Z",
  },
  {
    content: "Send pricing proposal to Globex",
    deadlineAt: "2025-06-18T15:00:00.000Z",
    isCompleted: false,
    createdAt: "2025-05-03T10:02:00.000Z",
  },
  {
    content: "Book discovery call with Initech",
    deadlineAt: null,
    isCompleted: false,
    createdAt: "2025-05-05T13:40:00.000Z",
  },
  {
    content: "Update deal stage for Umbrella Health",
    deadlineAt: "2025-06-10T12:00:00.000Z",
    isCompleted: true,
    createdAt: "2025-05-06T09:21:00.000Z",
  },
  {
    content: "Prepare QBR deck for Stark Industries",
    deadlineAt: "2025-07-15T09:00:00.000Z",
    isCompleted: false,
    createdAt: "2025-05-07T16:05:00.000Z",
  },
  {
    content: "Introduce Wayne Enterprises to the solutions team",
    deadlineAt: null,
    isCompleted: false,
    createdAt: "2025-05-08T11:30:00.000Z",
  },
  {
    content: "Review security questionnaire from Hooli",
    deadlineAt: "2025-06-20T17:00:00.000Z",
    isCompleted: false,
    createdAt: "2025-05-09T14:48:00.000Z",
  },
  {
    content: "Confirm onboarding date with Pied Piper",
    deadlineAt: "2025-06-05T10:00:00.000Z",
    isCompleted: true,
    createdAt: "2025-05-12T08:55:00.000Z",
  },
  {
    content: "Log notes from Soylent demo",
    deadlineAt: null,
    isCompleted: true,
    createdAt: "2025-05-13T15:12:00.000Z",
  },
  {
    content: "Chase signed order form from Vandelay Industries",
    deadlineAt: "2025-06-25T12:00:00.000Z",
    isCompleted: false,
    createdAt: "2025-05-14T09:37:00.000Z",
  },
  {
    content: "Schedule executive sponsor call with Cyberdyne",
    deadlineAt: "2025-07-08T14:00:00.000Z",
    isCompleted: false,
    createdAt: "2025-05-15T12:26:00.000Z",
  },
  {
    content: "Check in with Massive Dynamic on pilot results",
    deadlineAt: "2025-06-30T09:30:00.000Z",
    isCompleted: false,
    createdAt: "2025-05-16T10:44:00.000Z",
  },
  {
    content: "Add new champion at Tyrell Corp to the account",
    deadlineAt: null,
    isCompleted: false,
    createdAt: "2025-05-19T13:03:00.000Z",
  },
  {
    content: "Draft renewal terms for Oscorp",
    deadlineAt: "2025-08-01T09:00:00.000Z",
    isCompleted: false,
    createdAt: "2025-05-20T17:18:00.000Z",
  },
];
