import type { Transport, TransportFactory } from '../../src/network/index.js';

/** Transport messages and bytes, as the senders put them on the wire (one send reaches every peer). */
export class TrafficMeter {
  messages = 0;
  bytes = 0;

  /** The same transports, counting what their endpoints send. */
  wrap(factory: TransportFactory): TransportFactory {
    return {
      ...factory,
      open: async () => {
        const transport = await factory.open();
        const send = transport.send.bind(transport);
        const counted: Transport = Object.assign(transport, {
          send: (bytes: Uint8Array) => {
            this.messages++;
            this.bytes += bytes.length;
            send(bytes);
          },
        });
        return counted;
      },
    };
  }

  snapshot(): { messages: number; bytes: number } {
    return { messages: this.messages, bytes: this.bytes };
  }
}
