import { signRequest, type Identity, type SecurityFrame } from '../protocol/index.js';
import type { SignedRequest } from './node-api.js';
import { assertFrame, assertParams, DEFAULT_MAX_TOKENS, type RequestParams } from './security-frame.js';

/**
 * The signed request packet for a prompt, whichever tab of the site asks. Throws `RakisError`
 * (`invalid-frame`, `invalid-params`) for input it cannot send.
 */
export function requestPacket(identity: Identity, prompt: string, frame: SecurityFrame, params: RequestParams, now: number): SignedRequest {
  assertFrame(frame);
  assertParams(prompt, params);
  return signRequest(
    identity,
    {
      prompt,
      acceptedModels: params.acceptedModels,
      temperature: params.temperature ?? 0,
      maxTokens: params.maxTokens ?? DEFAULT_MAX_TOKENS,
      ...(params.seed !== undefined ? { seed: params.seed } : {}),
      ...(params.responseSchema ? { responseSchema: params.responseSchema } : {}),
      securityFrame: frame,
    },
    now,
  );
}
