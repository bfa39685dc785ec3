import { createSeededRandom } from '../src/shared/random.ts';

// Realistic support-bot traffic for benchmarks: ~1 KB of input + output per event,
// about 2% carrying a secret or personal data, the rest ordinary answers.

const QUESTIONS = [
  'Hi, my order #{n} has not arrived yet and the tracking page has not changed since Tuesday. Can you tell me where it is and when I should expect it?',
  'I was charged twice for my subscription this month ({n}). Could you refund the duplicate charge and confirm it will not happen again?',
  'How do I change the email address on my account? I no longer have access to the old one and I need the invoices sent somewhere else.',
  'The app keeps logging me out every few minutes on my Android phone since the last update. I already tried reinstalling it. What else can I do?',
  'Can I return a jacket I bought 40 days ago if the tags are still on? It was a gift and it does not fit. Order reference {n}.',
  'What is the difference between the Standard and the Plus plan, and can I switch in the middle of my billing cycle without losing my data?',
];

const ANSWERS = [
  'Thanks for reaching out, and sorry for the wait. I checked order {n}: it left our warehouse on Monday and is now with the local carrier, who expects to deliver it within two working days. You will get an email with the new tracking link as soon as the carrier scans it again. If it has not arrived by Friday, reply here and I will open an investigation with the carrier straight away so you are not left waiting.',
  'I am sorry about the double charge. I can see two payments for this month on your account; the second one has been refunded today and should appear on your statement within 3 to 5 business days, depending on your bank. This happened because the payment page was submitted twice during a short outage on our side, and we have fixed the cause. Nothing else is needed from you.',
  'You can change the email address under Settings → Account → Contact details. Because you cannot reach the old address, we will verify the change through your phone number instead: you will receive a six-digit code by text message. Once the change is confirmed, all future invoices go to the new address, and you can download past invoices from the Billing page at any time.',
  'Sorry about the repeated log-outs. This is a known issue with version 8.2 on some Android devices that restrict background activity. Please open Settings → Apps → our app → Battery and set it to Unrestricted, then sign in once more. A fix is included in version 8.3, which is rolling out this week; after updating, you can switch the battery setting back if you prefer.',
];

const LEAKS = [
  'For reference, the contact on file is jane.doe@example.com and the card ending 4242 4242 4242 4242 was used.',
  'Use this key to connect: AKIAIOSFODNN7EXAMPLE with secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY.',
  'You can call the customer back on +1 415 555 2671 or write to m.rossi@example.org.',
  'Internal note: the admin token is ghp_1A2b3C4d5E6f7G8h9I0jK1l2M3n4O5p6Q7r8.',
];

export interface BenchEvent {
  id: string;
  source: string;
  input: string;
  output: string;
  model: string;
  model_version: string;
  prompt_version: string;
  release: string;
  session_id: string;
  metadata: Record<string, unknown>;
}

export function generateEvents(count: number, options: { source: string; leakShare?: number; seed?: number; idPrefix?: string }): BenchEvent[] {
  const rng = createSeededRandom(options.seed ?? 42);
  const pick = <T>(list: T[]) => list[Math.floor(rng() * list.length)]!;
  const leakShare = options.leakShare ?? 0.02;
  return Array.from({ length: count }, (_, i) => {
    const n = String(100000 + Math.floor(rng() * 900000));
    let output = `${pick(ANSWERS)} ${pick(ANSWERS)}`.replaceAll('{n}', n).slice(0, 700);
    if (rng() < leakShare) output = `${output.slice(0, 560)} ${pick(LEAKS)}`;
    return {
      id: `${options.idPrefix ?? 'bench'}-${i}`,
      source: options.source,
      input: pick(QUESTIONS).replaceAll('{n}', n),
      output,
      model: 'gpt-4o-mini',
      model_version: '2024-07-18',
      prompt_version: 'support-v12',
      release: 'r-2026.11.20',
      session_id: `sess-${Math.floor(i / 4)}`,
      metadata: { locale: 'en-GB', channel: 'web' },
    };
  });
}
