/** The public network; any other name is a private network of its own. */
export const DEFAULT_NETWORK = 'rakis1';

/** trystero application id shared by every Rakis Elements node, whatever its network. */
export const APP_ID = 'rakis-elements';

/** The signaling room a network lives in. */
export function roomOf(network: string = DEFAULT_NETWORK): { appId: string; roomId: string } {
  return { appId: APP_ID, roomId: network };
}
