export const LIBP2P_DISCOVERY_TOPIC: string;
export function startLibp2pRelay(host: string, port: number): Promise<{ url: string; peerId: string; close: () => Promise<void> }>;
