/**
 * Engine workers on pages that enforce Trusted Types (`require-trusted-types-for 'script'`), where
 * `new Worker` refuses a plain URL: our workers' URLs pass through a policy of ours, `rakis-worker`,
 * which such a page's `trusted-types` directive names (as it names `rakis-lit`, our Lit's). The policy
 * takes only scripts of the origin this module came from, and nothing else can reach it. Where Trusted
 * Types do not exist, or the page does not allow the name, workers get the plain URL as before.
 *
 * Importers bind it as `Worker`: Vite bundles a worker only where it reads `new Worker(new URL(…,
 * import.meta.url))` in the source text.
 */

interface ScriptUrlPolicy {
  createScriptURL(url: string): unknown;
}
interface TrustedTypesFactory {
  createPolicy(name: string, rules: { createScriptURL(url: string): string }): ScriptUrlPolicy;
}

export const WORKER_POLICY_NAME = 'rakis-worker';

let policy: ScriptUrlPolicy | null | undefined;

/** The URL to start a worker from: a TrustedScriptURL (which `new Worker` takes as it takes a URL) when our policy exists. */
function workerScriptUrl(url: URL): URL {
  const factory = (globalThis as { trustedTypes?: TrustedTypesFactory }).trustedTypes;
  if (!factory) return url;
  if (policy === undefined) {
    const origin = new URL(import.meta.url).origin;
    try {
      policy = factory.createPolicy(WORKER_POLICY_NAME, {
        createScriptURL: (candidate) => {
          if (new URL(candidate).origin !== origin) throw new TypeError(`${WORKER_POLICY_NAME} only passes workers from ${origin}`);
          return candidate;
        },
      });
    } catch {
      // The page's trusted-types directive does not name the policy: a page that enforces them then refuses the worker, and says why.
      policy = null;
    }
  }
  return policy ? (policy.createScriptURL(url.href) as URL) : url;
}

/** A `Worker` whose script URL is trusted where the page demands it. */
export const TrustedTypesWorker = class {
  constructor(url: URL, options?: WorkerOptions) {
    return new globalThis.Worker(workerScriptUrl(url), options);
  }
} as unknown as typeof Worker;
