export { parseWav, type WavAudio, type WavError, type WavErrorCode, type WavParseResult } from './wav.js';
export { PcmSource, LoopSource, type FrameSource, type ResettableSource, type PcmSourceOptions, type LoopSourceOptions } from './source.js';
export { Player, type PlayDone, type PlayDoneReason, type PlayItem, type PlayerOptions, type StopOptions } from './player.js';
export {
  loadPrompt,
  decodePrompt,
  PromptCache,
  nodePromptFiles,
  type Prompt,
  type PromptResult,
  type PromptErrorCode,
  type PromptFiles,
  type LoadPromptOptions,
  type DecodePromptOptions,
  type PromptCacheOptions,
} from './loader.js';
