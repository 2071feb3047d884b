// An init script for a demo page (bundled to one classic script by lossyHookScript): before the page's
// scripts run, its <rakis-node> is given the real trystero transports of the page bundle, each wrapped
// so it loses a share of what arrives. window.rakisLoss counts what was let through and lost.
import type { networkTransports as NetworkTransports, SignalingStrategy } from '../../src/network/index.js';
import { lossyTransport, type LossCounts } from '../lossy-transport.js';

export interface LossyHookConfig {
  dropRate: number;
  /** Signaling strategies the page joins (no BroadcastChannel: every message it gets crosses a lossy link). */
  strategies: SignalingStrategy[];
}

declare global {
  interface Window {
    rakisLossConfig?: LossyHookConfig;
    rakisLoss?: LossCounts;
  }
}

const config = window.rakisLossConfig!;
const counts: LossCounts = (window.rakisLoss = { delivered: 0, dropped: 0 });

function relayUrls(attribute: string | null): Partial<Record<SignalingStrategy, string[]>> {
  const urls: Partial<Record<SignalingStrategy, string[]>> = {};
  for (const pair of (attribute ?? '').split(/[\s,]+/).filter(Boolean)) {
    const at = pair.indexOf('=');
    (urls[pair.slice(0, at) as SignalingStrategy] ??= []).push(pair.slice(at + 1));
  }
  return urls;
}

document.addEventListener('readystatechange', () => {
  if (document.readyState !== 'interactive') return;
  const element = document.querySelector('rakis-node') as HTMLElement & { nodeOptions?: unknown };
  const network = element.getAttribute('network') ?? undefined;
  const relays = relayUrls(element.getAttribute('relays'));
  // The same module the page's own script tag loads (one instance): its exported network code.
  const bundleUrl = new URL('../dist/rakis.js', location.href).href;
  const bundle = () => import(bundleUrl) as Promise<{ networkTransports: typeof NetworkTransports }>;
  element.nodeOptions = {
    transports: config.strategies.map((strategy) =>
      lossyTransport(
        {
          name: strategy,
          open: async () => {
            const { networkTransports } = await bundle();
            const [real] = networkTransports({ ...(network && { network }), strategies: [strategy], relayUrls: relays, rtcConfig: { iceServers: [] }, broadcastChannel: false });
            return real!.open();
          },
        },
        config.dropRate,
        counts,
      ),
    ),
  };
  document.documentElement.dataset.lossyHook = 'set';
});
