import type { NodeStore } from '../store/types.js';
import type { ContributeOptions } from './engine-loader.js';

const SETTING = 'apiKeys';

/**
 * Keeps the API key of a contribution sealed in the node's store, per base URL, when the node has a
 * store and a password: a key given is sealed and saved, a key left out is read back. Without a
 * password nothing is stored (a key in plain text in IndexedDB would be readable by any script of the
 * origin, and by anyone with the disk).
 */
export async function withRememberedApiKey(options: ContributeOptions, store: NodeStore | undefined, password: string | undefined): Promise<ContributeOptions> {
  const api = options.api;
  if (!api || !store || !password) return options;
  const { sealSecret, openSealedSecret, isSealedSecret } = await import('../store/secret-vault.js');
  const settings = (await store.loadSettings()) ?? {};
  const keys = isRecord(settings[SETTING]) ? settings[SETTING] : {};
  if (api.key) {
    const sealed = await sealSecret(api.key, `api-key:${api.baseUrl}`, password);
    await store.saveSettings({ ...settings, [SETTING]: { ...keys, [api.baseUrl]: sealed } });
    return options;
  }
  const sealed = keys[api.baseUrl];
  if (!isSealedSecret(sealed) || sealed.label !== `api-key:${api.baseUrl}`) return options;
  return { ...options, api: { ...api, key: await openSealedSecret(sealed, password) } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
