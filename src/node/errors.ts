export type RakisErrorCode =
  | 'invalid-frame'
  | 'invalid-params'
  | 'invalid-options'
  | 'not-started'
  | 'stopped'
  | 'cancelled'
  | 'identity-locked'
  | 'wrong-password'
  | 'storage'
  | 'engine'
  | 'network'
  | 'clock';

/** Every error the node API throws or reports carries a code a UI can switch on and a sentence a person can read. */
export class RakisError extends Error {
  override name = 'RakisError';
  constructor(
    readonly code: RakisErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
