import { isHex } from './bytes.js';

/**
 * A tiny structural checker for untrusted JSON: each check returns undefined when the value fits,
 * else a short explanation naming the path. Objects are closed: unknown keys are errors, so nothing
 * unsigned-for or unexpected rides along inside a packet.
 */
export type Check = (value: unknown, path: string) => string | undefined;

export const str =
  (maxChars: number, pattern?: RegExp, minChars = 0): Check =>
  (value, path) => {
    if (typeof value !== 'string') return `${path} must be a string`;
    if (value.length > maxChars) return `${path} longer than ${maxChars} characters`;
    if (value.length < minChars) return `${path} shorter than ${minChars} characters`;
    if (pattern && !pattern.test(value)) return `${path} has invalid characters`;
    return undefined;
  };

export const int =
  (min: number, max: number): Check =>
  (value, path) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) return `${path} must be an integer`;
    if (value < min || value > max) return `${path} must be within ${min}..${max}`;
    return undefined;
  };

export const num =
  (min: number, max: number, { exclusiveMin = false } = {}): Check =>
  (value, path) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return `${path} must be a finite number`;
    if (exclusiveMin ? value <= min : value < min) return `${path} must be ${exclusiveMin ? 'above' : 'at least'} ${min}`;
    if (value > max) return `${path} must be at most ${max}`;
    return undefined;
  };

export const hex =
  (bytes: number): Check =>
  (value, path) =>
    isHex(value, bytes) ? undefined : `${path} must be ${bytes * 2} lowercase hex characters`;

/** Hex of a variable byte length, accepted only for lengths `sizes` allows. */
export const hexOfSize =
  (allowedBytes: (bytes: number) => boolean, what: string): Check =>
  (value, path) => {
    if (!isHex(value)) return `${path} must be lowercase hex`;
    return allowedBytes(value.length / 2) ? undefined : `${path} has a size no ${what} has`;
  };

export const oneOf =
  <T extends string>(options: readonly T[]): Check =>
  (value, path) =>
    typeof value === 'string' && (options as readonly string[]).includes(value)
      ? undefined
      : `${path} must be one of ${options.join(', ')}`;

export const literal =
  (expected: string | number | boolean): Check =>
  (value, path) =>
    value === expected ? undefined : `${path} must be ${JSON.stringify(expected)}`;

export const arr =
  (item: Check, maxItems: number, { minItems = 0, unique = false } = {}): Check =>
  (value, path) => {
    if (!Array.isArray(value)) return `${path} must be an array`;
    if (value.length > maxItems) return `${path} has more than ${maxItems} items`;
    if (value.length < minItems) return `${path} needs at least ${minItems} items`;
    for (let i = 0; i < value.length; i++) {
      const problem = item(value[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    if (unique && new Set(value).size !== value.length) return `${path} has duplicate items`;
    return undefined;
  };

export const optional =
  (check: Check): Check & { optional: true } =>
    Object.assign((value: unknown, path: string) => (value === undefined ? undefined : check(value, path)), {
      optional: true as const,
    });

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export const obj =
  (shape: Record<string, Check>): Check =>
  (value, path) => {
    if (!isPlainObject(value)) return `${path} must be an object`;
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(shape, key)) return `${path}.${key} is not a known field`;
    }
    for (const [key, check] of Object.entries(shape)) {
      if (!Object.hasOwn(value, key) && !('optional' in check)) return `${path}.${key} is missing`;
      const problem = check(value[key], `${path}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  };
