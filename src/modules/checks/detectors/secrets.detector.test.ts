import { describe, expect, it } from 'vitest';
import type { Detection } from '../checks.models.ts';
import { buildFieldViews } from '../views.models.ts';
import { measureEntropy } from './secrets-entropy.models.ts';
import { createSecretsDetector, isSecretCandidate } from './secrets.detector.ts';

// Fake keys: secretlint's own test fixtures and AWS's documented example pair.
const GITHUB = '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';
const AWS_KEY_ID = 'AKIAI44QH8DHBEXAMPLE';
const AWS_SECRET = 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY';
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

const detector = createSecretsDetector();

async function detect(text: string): Promise<Detection[]> {
  return detector.detect([buildFieldViews('output', text)]);
}

/** Each detection as `kind:original text of its span`. */
async function found(text: string): Promise<string[]> {
  return (await detect(text)).map((d) => `${d.kind}:${text.slice(d.start, d.end)}`);
}

describe('createSecretsDetector', () => {
  it('reports a GitHub token as a critical secrets detection with masked evidence', async () => {
    const text = `export GITHUB_TOKEN=${GITHUB} && deploy`;
    expect(await detect(text)).toEqual([
      {
        detector: 'secrets',
        kind: 'github_token',
        field: 'output',
        score: 1,
        severity: 'critical',
        start: 20,
        end: 20 + GITHUB.length,
        evidence: 'ghp_••••••••INUx',
      },
    ]);
  });

  it('finds keys that hold no digit when wrapped over lines or spaced out, spans over the gaps', async () => {
    const wrapped = 'aws_access_key_id = AKIAUNQGSQ\n    WQYVEGEQID';
    expect(await found(wrapped)).toEqual(['aws_access_key_id:AKIAUNQGSQ\n    WQYVEGEQID']);
    const spaced = 'Your key: s k _ l i v e _ p X o j o z A u w i k L J h K b Z M F U v o z H';
    expect(await found(spaced)).toEqual([`stripe_secret_key:${spaced.slice('Your key: '.length)}`]);
  });

  it('points the AWS secret key span at the value, not at the variable name', async () => {
    const text = `aws_access_key_id = ${AWS_KEY_ID}\naws_secret_access_key = "${AWS_SECRET}"`;
    expect(await found(text)).toEqual([`aws_access_key_id:${AWS_KEY_ID}`, `aws_secret_access_key:${AWS_SECRET}`]);
  });

  it('reports an AWS account id as a warning, not a critical secret', async () => {
    const [detection] = await detect('aws_account_id = 1234-5678-9012');
    expect(detection).toMatchObject({ kind: 'aws_account_id', severity: 'warn', score: 0.6 });
  });

  it('covers zero-width characters inside a key with the span', async () => {
    const key = `${GITHUB.slice(0, 9)}\u200b${GITHUB.slice(9, 20)}\u200d${GITHUB.slice(20)}`;
    const text = `token ${key} thanks`;
    const [detection] = await detect(text);
    expect(detection).toMatchObject({ kind: 'github_token', start: 6, end: 6 + key.length });
    expect(detection?.evidence).toBe('ghp_••••••••INUx');
  });

  it('maps a full-width key back to its full-width characters', async () => {
    const fullWidth = [...GITHUB].map((char) => String.fromCharCode(char.charCodeAt(0) + 0xfee0)).join('');
    expect(await found(`key: ${fullWidth}`)).toEqual([`github_token:${fullWidth}`]);
  });

  it('reports a base64-encoded key on the whole encoded run', async () => {
    const encoded = Buffer.from(GITHUB).toString('base64');
    expect(await found(`blob ${encoded} end`)).toEqual([`github_token:${encoded}`]);
  });

  it('reports a key found in several views once', async () => {
    const text = `${GITHUB} and caf\u00e9 \uff01 ${Buffer.from('hello there friend').toString('base64')}`;
    const views = buildFieldViews('input', text);
    expect(views.views.map((view) => view.name)).toEqual(['original', 'normalized', 'decoded']);
    expect((await detector.detect([views])).map((d) => d.kind)).toEqual(['github_token']);
  });

  it('prefers the specific kind when a generic pattern sees the same secret', async () => {
    expect(await found(`api_key = "${GITHUB}"`)).toEqual([`github_token:${GITHUB}`]);
    expect(await found(`Authorization: Bearer ${JWT}`)).toEqual([`jwt:${JWT}`]);
    expect(await found('DATABASE_URL=postgres://bob:hunter2x@db.internal/app')).toEqual([
      'postgresql_connection_string:postgres://bob:hunter2x@db.internal/app',
    ]);
  });

  it('ignores secretlint-disable comments, which event authors control', async () => {
    expect(await found(`// secretlint-disable\nconst t = "${GITHUB}";\n// secretlint-enable`)).toEqual([`github_token:${GITHUB}`]);
  });

  it('adds what the preset lacks: JWTs, credentials in any URL, connection strings, generic assignments', async () => {
    expect(await found(`id token ${JWT}`)).toEqual([`jwt:${JWT}`]);
    expect(await found('REDIS_URL=redis://:p4ssW0rdXyz@cache.internal:6379/0')).toEqual([
      'url_credentials:redis://:p4ssW0rdXyz@cache.internal:6379',
    ]);
    expect(await found('Server=db01;Database=hr;User Id=report;Password=Qm7#vX2p;')).toEqual(['connection_string:Qm7#vX2p']);
    expect(await found('client_secret: Zx8Qp3Lm9Tr2Wv6Ky4Hn')).toEqual(['generic_secret:Zx8Qp3Lm9Tr2Wv6Ky4Hn']);
    expect(await found('stripe.api_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"')).toEqual(['stripe_secret_key:sk_test_4eC39HqLyjWDarjtT1zdp7dc']);
  });

  it('reports placeholders only at info, and environment lookups, low-entropy values or fake JWTs not at all', async () => {
    const texts = [
      'SLACK_BOT_TOKEN=xoxb-your-token and OPENAI_API_KEY=<your-api-key>',
      'password = os.environ["DB_PASSWORD"]\napi_key = os.getenv("OPENAI_API_KEY")\ntoken = config.github.token',
      'password: hunter2hunter2 and token: abcabcabcabcabc1',
      'postgres://user:password@localhost:5432/mydb and https://user:{password}@example.com',
      'eyJzb21ldGhpbmc.c29tZXRoaW5nZWxzZQ.c2lnbmF0dXJlc2lnbmF0dXJl',
    ];
    for (const text of texts) {
      for (const detection of await detect(text)) expect([detection.kind, detection.severity]).toEqual(['placeholder_credential', 'info']);
    }
    expect(await found(texts[0] ?? '')).toEqual(['placeholder_credential:xoxb-your-token', 'placeholder_credential:<your-api-key>']);
    expect(await found(texts[1] ?? '')).toEqual([]);
  });

  it('reports detections per field, in span order', async () => {
    const detections = await detector.detect([
      buildFieldViews('input', `first ${GITHUB}`),
      buildFieldViews('context', `ctx ${JWT} then ${AWS_KEY_ID}`),
    ]);
    expect(detections.map((d) => `${d.field}:${d.kind}`)).toEqual(['input:github_token', 'context:jwt', 'context:aws_access_key_id']);
  });

  it('scans long texts in windows without losing or doubling keys at window edges', async () => {
    const filler = (length: number): string => 'Thanks for waiting, your order is on its way. '.repeat(400).slice(0, length);
    const gitlab = `glpat-${'A1b2C3d4E5'.repeat(6)}`;
    // About the size of an RSA-4096 key: longer than the windows' overlap.
    const body = `MIIJKAIBAAKCAgEA${'FAKEKEYFORVIGILTESTSONLYnotarealkey0123456789'.repeat(66)}`.match(/.{1,64}/g)?.join('\n');
    const pem = `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----`;
    // Windows: [0, 9,728), [8,192, 17,920), [16,384, …). The PEM block starts before the third
    // window and ends after the second, so only a stretched second window sees all of it.
    const parts = [filler(8_179), ' ', GITHUB, ' ', filler(9_700 - 8_221), ' ', gitlab, ' ', filler(16_000 - 9_768), '\n', pem, '\n', filler(3_000)];
    const text = parts.join('');
    expect(text.indexOf(GITHUB)).toBeLessThan(8_192);
    expect(text.indexOf(gitlab) + gitlab.length).toBeGreaterThan(9_728);
    expect(text.indexOf(pem)).toBeLessThan(16_384);
    expect(text.indexOf(pem) + pem.length).toBeGreaterThan(17_920);
    expect(await found(text)).toEqual([`github_token:${GITHUB}`, `gitlab_token:${gitlab}`, `private_key:${pem}`]);

    const many = `api_key=Zx8Qp3Lm9Tr2Wv6Ky4Hn ${GITHUB}\n`.repeat(2_000);
    const started = performance.now();
    expect(await detect(many)).toHaveLength(4_000);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('finishes quickly on inputs built to make regexes backtrack', async () => {
    const hostile = [
      `api_key=${'a1'.repeat(20_000)}`,
      `${'password='.repeat(5_000)}x`,
      `${'a://'.repeat(5_000)}${'b'.repeat(1_000)}`,
      `${`eyJ${'a'.repeat(2_500)}.`.repeat(20)}`,
      `${'Bearer '.repeat(5_000)}`,
      `${'pwd=x;'.repeat(5_000)}`,
      `https://${'u'.repeat(20_000)}:${'p'.repeat(20_000)}`,
    ];
    for (const text of hostile) {
      const started = performance.now();
      await detect(text);
      expect(performance.now() - started).toBeLessThan(2_000);
    }
  });
});

describe('isSecretCandidate', () => {
  it('lets texts with provider prefixes, assignments or URL credentials through', () => {
    for (const text of [GITHUB, `key ${AWS_KEY_ID}`, 'xoxb-1-2', `x ${JWT}`, 'DB_PASSWORD = x', 'amqp://a:b@host', 'Authorization: bearer abc']) {
      expect(isSecretCandidate(text)).toBe(true);
    }
  });

  it('lets a long high-entropy token through even without a known marker', () => {
    expect(isSecretCandidate('value 9fK2mQ7xL4pZ8vR1tY6wN3bH5jC0dG2sA7eU')).toBe(true);
  });

  it('stops ordinary support answers, hashes and ids', () => {
    for (const text of [
      'To reset your password, click "Forgot password" on the sign-in page.',
      'Your session token expires after 24 hours of inactivity.',
      'Fixed in commit 3f786850e387550fdab836ed7e6dc881de23001b; request 123e4567-e89b-12d3-a456-426614174000.',
      'Keys that start with AKIA are long-term IAM keys.',
    ]) {
      expect(isSecretCandidate(text)).toBe(false);
    }
  });
});

describe('measureEntropy', () => {
  it('is 0 for one repeated character and log2(n) for n distinct characters', () => {
    expect(measureEntropy('aaaa')).toBe(0);
    expect(measureEntropy('abcd')).toBeCloseTo(2);
    expect(measureEntropy('xxabcdxx', 2, 6)).toBeCloseTo(2);
    expect(measureEntropy('')).toBe(0);
  });
});

describe('an AWS secret key in prose', () => {
  const SECRET_KEY = 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbQ4rT9sKe2M';

  it('is found after the word "secret" with its span, as an AWS secret key when AWS is near', async () => {
    const output = `Use the access key AKIAJ7Q2LXW4ZR5TBN3M and the secret ${SECRET_KEY} for the export.`;
    const found = (await detect(output)).find((detection) => detection.kind === 'aws_secret_access_key');
    expect(found).toMatchObject({ severity: 'critical', start: output.indexOf(SECRET_KEY), end: output.indexOf(SECRET_KEY) + 40 });
  });

  it('is a generic secret without AWS nearby, and nothing when it is a placeholder, not mixed, or not called a secret', async () => {
    expect((await detect(`The secret key: ${SECRET_KEY}`)).map((detection) => detection.kind)).toEqual(['generic_secret']);
    expect(await detect('and the secret je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY here')).toEqual([]);
    expect(await detect('the secret is abcdefghijabcdefghijabcdefghijabcdefghij')).toEqual([]);
    expect(await detect(`the commit ${SECRET_KEY} changed it`)).toEqual([]);
  });
});
