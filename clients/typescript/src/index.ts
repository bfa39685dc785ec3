export { Vigil, type VigilOptions } from './vigil.js';
export { wrapOpenAI, type WrapOpenAIOptions } from './openai.js';
export { VigilError, type CheckRequest, type CheckResult, type VigilEvent, type VigilStats } from './types.js';
