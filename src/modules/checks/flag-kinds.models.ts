// What each detector kind is called in plain words, for the people who read cards, pages and
// digests. Kinds not listed here still read well: `describeKind` turns `foo_bar_token` into
// "foo bar token", so a detector that gains a kind never shows a raw code.

/** Secrets kinds (docs/checks.md): the provider first, then what the credential is. */
export const SECRET_KINDS: Readonly<Record<string, string>> = {
  aws_access_key_id: 'AWS access key',
  aws_secret_access_key: 'AWS secret key',
  aws_account_id: 'AWS account ID',
  github_token: 'GitHub token',
  gitlab_token: 'GitLab token',
  slack_token: 'Slack token',
  slack_webhook_url: 'Slack webhook URL',
  openai_api_key: 'OpenAI API key',
  anthropic_api_key: 'Anthropic API key',
  stripe_secret_key: 'Stripe secret key',
  google_api_key: 'Google API key',
  sendgrid_api_key: 'SendGrid API key',
  groq_api_key: 'Groq API key',
  linear_api_key: 'Linear API key',
  huggingface_token: 'Hugging Face token',
  npm_access_token: 'npm access token',
  shopify_token: 'Shopify token',
  databricks_token: 'Databricks token',
  docker_token: 'Docker token',
  figma_token: 'Figma token',
  grafana_token: 'Grafana token',
  notion_token: 'Notion token',
  vault_token: 'Vault token',
  vercel_token: 'Vercel token',
  onepassword_service_account_token: '1Password service account token',
  jwt: 'JSON Web Token',
  private_key: 'private key',
  postgresql_connection_string: 'PostgreSQL connection string',
  mysql_connection_string: 'MySQL connection string',
  mongodb_connection_string: 'MongoDB connection string',
  connection_string: 'database connection string',
  url_credentials: 'password in a URL',
  basic_auth_url: 'password in a URL',
  bearer_token: 'bearer token',
  generic_secret: 'password or API key',
};

export const PII_KINDS: Readonly<Record<string, string>> = {
  email: 'email address',
  phone: 'phone number',
  credit_card: 'payment card number',
  iban: 'bank account number (IBAN)',
  us_ssn: 'US Social Security number',
  ip_address: 'IP address',
};

export const INJECTION_KINDS: Readonly<Record<string, string>> = {
  instruction_override: 'attempt to override its instructions',
  jailbreak: 'jailbreak attempt',
  system_prompt_extraction: 'attempt to extract the system prompt',
  role_marker: 'forged role marker (e.g. “system:”)',
  encoded_payload: 'hidden encoded instructions',
  obfuscation: 'obfuscated instructions',
  zero_width: 'hidden zero-width characters',
};

export const PROMPT_LEAK_KINDS: Readonly<Record<string, string>> = {
  canary: 'canary string',
  system_prompt: 'part of the system prompt',
};

export const BLOCKLIST_KINDS: Readonly<Record<string, string>> = {
  word: 'phrase on the blocklist',
  pattern: 'match for a blocked pattern',
  pattern_timeout: 'text too slow to check against the blocklist',
};

/** Graders by name: what a flag from that judge means, as the noun phrase of a headline. */
export const GRADER_TOPICS: Readonly<Record<string, { headline: string; short: string }>> = {
  tone: { headline: 'Off-putting tone', short: 'off-putting tone' },
  brand: { headline: 'Off-brand wording', short: 'off-brand wording' },
  policy: { headline: 'Possible policy breach', short: 'a possible policy breach' },
  injection: { headline: 'Possible prompt injection', short: 'a possible prompt injection' },
};

/** App flag names the apps we know send; any other name is shown humanised. */
export const APP_FLAG_NAMES: Readonly<Record<string, string>> = {
  user_report: 'a user reported this answer',
  thumbs_down: 'the user gave a thumbs down',
  toxicity: 'the app’s toxicity check fired',
};

/** `aws_foo_bar` → "aws foo bar"; dashes, dots and colons also become spaces. */
export function humanizeCode(code: string): string {
  const words = code.replace(/[_\-.:/]+/g, ' ').replace(/\s+/g, ' ').trim();
  return words.length > 0 ? words : 'unnamed';
}

export function capitalize(text: string): string {
  return text.length === 0 ? text : `${text[0]!.toUpperCase()}${text.slice(1)}`;
}
