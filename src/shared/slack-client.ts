import type { WebClient } from '@slack/web-api';

// The port between domain code and Slack: use cases and workers take a SlackClient,
// never the Bolt App. Bolt's `client` (a WebClient) satisfies it as is, and unit tests
// inject a recording object with only the methods they exercise.

/** The Slack Web API surface Vigil calls; widen it here, in one place, when a feature needs more. */
export type SlackClient = Pick<WebClient, 'chat' | 'views' | 'conversations' | 'usergroups' | 'users' | 'files' | 'filesUploadV2'>;

