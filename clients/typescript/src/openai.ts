import type { Vigil } from './vigil.js';
import type { VigilEvent } from './types.js';

// Structural types, so the client does not depend on the `openai` package.
interface ChatMessage {
  role: string;
  content?: unknown;
}
interface ChatCompletion {
  id?: string;
  model?: string;
  choices?: Array<{ message?: { content?: string | null } }>;
}
type CreateBody = { messages: ChatMessage[]; model?: unknown; stream?: boolean | null };
interface Completions {
  create(body: CreateBody, options?: unknown): unknown;
}
/** Any client shaped like `openai`'s: its overloads of `create` are kept as they are. */
interface OpenAILike {
  chat: { completions: { create: (...args: never[]) => unknown } };
}

export interface WrapOpenAIOptions {
  source?: string;
  /** Extra fields for every event (release, prompt_version, user_id…). */
  event?: Partial<VigilEvent>;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (part && typeof part === 'object' && 'text' in part ? String(part.text) : '')).join('');
  return '';
}

/**
 * Logs every non-streaming chat completion to Vigil (input: the last user message; output: the
 * first choice). Streaming calls pass through unlogged. Returns the same client, patched.
 */
export function wrapOpenAI<T extends OpenAILike>(client: T, vigil: Vigil, options: WrapOpenAIOptions = {}): T {
  const completions = client.chat.completions as unknown as Completions;
  const create = completions.create.bind(completions);
  completions.create = (body, requestOptions) => {
    const result = create(body, requestOptions);
    if (body.stream) return result;
    const input = textOf([...body.messages].reverse().find((message) => message.role === 'user')?.content);
    return Promise.resolve(result).then((completion) => {
      const answer = completion as ChatCompletion;
      vigil.log({
        ...options.event,
        ...(options.source ? { source: options.source } : {}),
        input,
        output: answer.choices?.[0]?.message?.content ?? '',
        model: answer.model ?? (typeof body.model === 'string' ? body.model : null),
        metadata: { ...options.event?.metadata, openai_completion_id: answer.id },
      });
      return completion;
    });
  };
  return client;
}
