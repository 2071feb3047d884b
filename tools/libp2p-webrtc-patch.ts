import type { Plugin } from 'vite';

const INITIATE_CONNECTION = /[\\/]node_modules[\\/]@libp2p[\\/]webrtc[\\/]dist[\\/]src[\\/]private-to-private[\\/]initiate-connection\.js$/;

/**
 * @libp2p/webrtc 6.0.33's dialer waits for its `init` data channel to open, then closes it and waits
 * for it to close. The receiving page may close that channel first, before the dialer saw it open: the
 * channel goes from `connecting` straight to `closed`, no `open` event ever comes, and the dial hangs
 * until its timeout (5 of 30 dials here). The fix waits for `open` or `close`, whichever comes, and
 * closes the channel only if it is not closed yet.
 */
const WAIT_FOR_INIT_CHANNEL =
  /if \(channel\.readyState !== 'open'\) \{\s*log\.trace\('wait for init channel to open'\);\s*await pEvent\(channel, 'open', \{\s*signal\s*\}\);\s*\}\s*log\.trace\('closing init channel'\);\s*channel\.close\(\);([\s\S]*?)await pEvent\(channel, 'close', \{\s*signal\s*\}\);/;

const FIXED = `if (channel.readyState === 'connecting') {
            await pEvent(channel, ['open', 'close'], { signal });
        }
        if (channel.readyState !== 'closed') {
            const closed = pEvent(channel, 'close', { signal });
            channel.close();$1await closed;
        }`;

/**
 * Applies the fix above when Vite bundles @libp2p/webrtc (the script-tag bundle, test fixtures).
 * The project installs with `ignore-scripts`, so a postinstall patcher would never run; the build
 * patches instead, and fails if the code it fixes is not there (a new version: check the race again).
 */
export function libp2pWebrtcPatch(): Plugin {
  return {
    name: 'rakis-libp2p-webrtc-init-channel',
    enforce: 'pre',
    transform(code, id) {
      if (!INITIATE_CONNECTION.test(id)) return null;
      if (!WAIT_FOR_INIT_CHANNEL.test(code)) this.error(`the init-channel wait of @libp2p/webrtc is not where expected in ${id}: check its race again before upgrading`);
      return { code: code.replace(WAIT_FOR_INIT_CHANNEL, FIXED), map: null };
    },
  };
}
