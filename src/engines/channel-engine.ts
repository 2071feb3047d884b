/**
 * What the engines that run their model behind an `EngineChannel` share: opening the channel (a Web
 * Worker or the calling thread), loading the model into it, serialized calls, and unloading, all
 * under one `EngineLifecycle`.
 */
import { openEngineChannel, type CallHandlers, type EngineCall, type EngineChannel, type EngineThread } from './engine-channel.js';
import { EngineLifecycle, type EngineStatus, type LoadOptions, type StatusListener } from './engine-lifecycle.js';
import { EngineError } from './errors.js';

export class ChannelEngine {
  private readonly lifecycle: EngineLifecycle;
  private channel: EngineChannel | undefined;

  constructor(
    private readonly thread: EngineThread,
    onStatus?: StatusListener,
  ) {
    this.lifecycle = new EngineLifecycle(onStatus);
  }

  get status(): EngineStatus {
    return this.lifecycle.status;
  }

  get lastError(): EngineError | undefined {
    return this.lifecycle.lastError;
  }

  /** Opens a fresh channel and loads the model in it; reloading replaces the previous channel. */
  async load(request: Extract<EngineCall, { type: 'load' }>, { signal, onProgress }: LoadOptions = {}): Promise<void> {
    this.channel?.close();
    await this.lifecycle.load(async () => {
      const channel = await openEngineChannel(this.thread);
      // Published before loading, so an unload() mid-load closes it.
      this.channel = channel;
      try {
        await channel.call(request, { signal, onProgress, hardAbort: true });
      } catch (error) {
        channel.close();
        if (this.channel === channel) this.channel = undefined;
        throw error;
      }
    }, signal);
  }

  /** One unit of work on the loaded model, after the previous one. */
  call<T>(request: EngineCall, handlers: CallHandlers = {}): Promise<T> {
    return this.lifecycle.work(() => {
      if (!this.channel) throw new EngineError('not-loaded', 'load() the engine first');
      return this.channel.call<T>(request, handlers);
    }, handlers.signal);
  }

  unload(): void {
    this.channel?.close();
    this.channel = undefined;
    this.lifecycle.set('idle');
  }
}
