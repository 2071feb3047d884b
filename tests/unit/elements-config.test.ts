import { describe, expect, test } from 'vitest';
import { parseNodeAttributes, RakisError } from '../../src/node/index.js';
import { readContributeConfig } from '../../elements/rakis-node/contribute-config.js';
import { fieldsFromFrame, frameFromFields } from '../../elements/rakis-prompt/frame-fields.js';
import { readPromptConfig } from '../../elements/rakis-prompt/prompt-config.js';
import { REJECTED, requestIdProblem } from '../../elements/rakis-quorum/quorum-view.js';
import { securityFrame } from '../../src/node/index.js';

const BASE = 'https://blog.example/posts/1.html';

describe('<rakis-node> attributes', () => {
  test('defaults: the public network, the default transports, IndexedDB storage of the site (per network)', () => {
    expect(parseNodeAttributes({})).toEqual({
      network: 'rakis1',
      relays: { relayUrls: {}, broadcastChannel: true },
      storage: { kind: 'indexeddb', namespace: 'rakis-rakis1' },
    });
    expect(parseNodeAttributes({ network: 'blog', storage: 'site' }).storage).toEqual({ kind: 'indexeddb', namespace: 'rakis-blog' });
    expect(parseNodeAttributes({ storage: 'tab' }).storage).toEqual({ kind: 'tab' });
    expect(parseNodeAttributes({ storage: 'my-blog' }).storage).toEqual({ kind: 'indexeddb', namespace: 'my-blog' });
  });

  test('relays choose the strategies; transports can narrow them', () => {
    const parsed = parseNodeAttributes({ network: 'demo', relays: 'torrent=ws://127.0.0.1:8000, mqtt=ws://127.0.0.1:8083/mqtt', storage: 'none' });
    expect(parsed.relays).toEqual({
      strategies: ['torrent', 'mqtt'],
      relayUrls: { torrent: ['ws://127.0.0.1:8000'], mqtt: ['ws://127.0.0.1:8083/mqtt'] },
      broadcastChannel: true,
    });
    expect(parsed.storage).toEqual({ kind: 'none' });
    expect(parseNodeAttributes({ transports: 'broadcast-channel' }).relays).toMatchObject({ strategies: [], broadcastChannel: true });
  });

  test.each([
    [{ network: 'no spaces please' }, /^network: /],
    [{ relays: 'carrier-pigeon=ws://x' }, /^relays: "carrier-pigeon=ws:\/\/x" is not strategy=url/],
    [{ relays: 'mqtt=not a url' }, /^relays: /],
    [{ relays: 'mqtt=ftp://x' }, /must be a ws:/],
    [{ transports: 'torrent smoke-signals' }, /unknown transport "smoke-signals"/],
    [{ storage: '../etc' }, /^storage: /],
  ])('refuses %o with a reason naming the attribute', (attributes, message) => {
    expect(() => parseNodeAttributes(attributes)).toThrow(RakisError);
    expect(() => parseNodeAttributes(attributes)).toThrow(message);
  });

  test('contribution: off, ask or auto, with the models and where they come from', () => {
    const attributes = { contribute: null, models: 'rakis-test/lm-mini', embeddingModels: 'rakis-test/encoder-mini', modelBaseUrl: '/models/' };
    expect(readContributeConfig(attributes, BASE)).toEqual({
      mode: 'off',
      options: { models: ['rakis-test/lm-mini'], embeddingModels: ['rakis-test/encoder-mini'], modelBaseUrl: 'https://blog.example/models/' },
    });
    expect(readContributeConfig({ ...attributes, contribute: '' }, BASE).mode).toBe('ask');
    expect(readContributeConfig({ ...attributes, contribute: 'auto' }, BASE).mode).toBe('auto');
    expect(readContributeConfig({ ...attributes, models: null }, BASE)).toEqual({ mode: 'off', options: undefined });
    expect(readContributeConfig({ ...attributes, embeddingModels: null }, BASE).options?.embeddingModels).toEqual(['nomic-ai/nomic-embed-text-v1.5']);
  });

  test('an API endpoint: models from its list unless named, resolved against the page', () => {
    const attributes = { contribute: 'ask', models: null, embeddingModels: 'rakis-test/encoder-mini', modelBaseUrl: null, apiUrl: 'http://127.0.0.1:8790/v1/' };
    expect(readContributeConfig(attributes, BASE).options).toEqual({ models: [], embeddingModels: ['rakis-test/encoder-mini'], api: { baseUrl: 'http://127.0.0.1:8790/v1' } });
    expect(readContributeConfig({ ...attributes, models: 'a/b', apiUrl: '/api/v1' }, BASE).options).toMatchObject({ models: ['a/b'], api: { baseUrl: 'https://blog.example/api/v1' } });
  });

  test.each([
    [{ apiUrl: 'ftp://host/v1' }, /^api-url: "ftp:\/\/host\/v1" is not an http\(s\) URL/],
    [{ contribute: 'yes please' }, /^contribute: "yes please" is not one of/],
    [{ contribute: 'ask', models: null }, /^contribute: there is nothing to contribute/],
    [{ embeddingModels: 'word2vec' }, /^embedding-models: "word2vec" is not a known embedding model/],
    [{ modelBaseUrl: 'javascript:alert(1)' }, /^model-base-url: /],
    [{ models: 'bad model id!' }, /^models: /],
  ])('refuses contribution attributes %o', (overrides, message) => {
    const attributes = { contribute: null, models: 'rakis-test/lm-mini', embeddingModels: null, modelBaseUrl: null, ...overrides };
    expect(() => readContributeConfig(attributes, BASE)).toThrow(message);
  });
});

describe('<rakis-prompt> attributes and the advanced frame', () => {
  const none = { models: null, preset: null, embeddingModel: null, maxTokens: null, temperature: null };

  test('defaults and overrides', () => {
    expect(readPromptConfig(none)).toEqual({ models: [], preset: 'balanced', embeddingModels: ['nomic-ai/nomic-embed-text-v1.5'], maxTokens: 256, temperature: 0 });
    expect(readPromptConfig({ ...none, embeddingModel: ' rakis-test/encoder-mini  rakis-test/encoder-tiny ' }).embeddingModels).toEqual(['rakis-test/encoder-mini', 'rakis-test/encoder-tiny']);
    expect(readPromptConfig({ ...none, models: 'a/b c/d', preset: 'strict', maxTokens: '64', temperature: '0.7' })).toMatchObject({ models: ['a/b', 'c/d'], preset: 'strict', maxTokens: 64, temperature: 0.7 });
  });

  test.each([
    [{ preset: 'extreme' }, /^preset: "extreme" is not one of fast, balanced, strict/],
    [{ maxTokens: 'lots' }, /^max-tokens: /],
    [{ maxTokens: '0' }, /^max-tokens: /],
    [{ temperature: '3' }, /^temperature: /],
    [{ embeddingModel: 'nope' }, /^embedding-model: /],
    [{ embeddingModel: 'rakis-test/encoder-mini nope' }, /^embedding-model: "nope" is not a known embedding model/],
    [{ embeddingModel: 'rakis-test/encoder-tiny rakis-test/encoder-tiny' }, /^embedding-model: names a model twice/],
    [{ responseSchemaJson: '{"type": "object"' }, /^response-schema: it is not JSON/],
    [{ responseSchemaJson: '{"type": "object", "properties": {"a": {"type": "date"}}}' }, /^response-schema: schema.properties.a.type must be one of/],
  ])('refuses %o', (overrides, message) => {
    expect(() => readPromptConfig({ ...none, ...overrides })).toThrow(message);
  });

  test('response-schema: JSON mode from a JSON Schema in the attribute', () => {
    const schema = { type: 'object', properties: { city: { type: 'string', 'x-match': 'exact' }, population: { type: 'integer' } } };
    expect(readPromptConfig({ ...none, responseSchemaJson: JSON.stringify(schema) }).responseSchema).toEqual(schema);
    expect(readPromptConfig({ ...none, responseSchemaJson: ' ' })).not.toHaveProperty('responseSchema');
  });

  test('the five fields round-trip a preset and explain each bad value', () => {
    const frame = securityFrame('balanced', {}, 'rakis-test/encoder-mini');
    const fields = fieldsFromFrame(frame);
    expect(fields).toEqual({ quorum: '3', maxTimeSeconds: '30', secDistance: '0.2', secPercentage: '0.66', embeddingModel: 'rakis-test/encoder-mini' });
    expect(frameFromFields(fields)).toEqual({ frame, errors: {} });
    const bad = frameFromFields({ quorum: '2.5', maxTimeSeconds: '0.1', secDistance: '-1', secPercentage: '0', embeddingModel: 'x' });
    expect(bad.frame).toBeUndefined();
    expect(Object.keys(bad.errors).sort()).toEqual(['embeddingModel', 'maxTimeSeconds', 'quorum', 'secDistance', 'secPercentage']);
    expect(frameFromFields({ ...fields, quorum: '' }).errors).toEqual({ quorum: 'a whole number of answers from 1 to 256' });
  });

  test('several embedding models: the field lists them in frame order, the frame names the others as further models', () => {
    const frame = securityFrame('fast', { extraEmbeddingModels: [{ model: 'rakis-test/encoder-tiny' }] }, 'rakis-test/encoder-mini');
    const fields = fieldsFromFrame(frame);
    expect(fields.embeddingModel).toBe('rakis-test/encoder-mini rakis-test/encoder-tiny');
    expect(frameFromFields(fields)).toEqual({ frame, errors: {} });
    expect(frameFromFields({ ...fields, embeddingModel: 'rakis-test/encoder-mini nope' }).errors).toEqual({ embeddingModel: expect.stringMatching(/^one or more of /) });
    expect(frameFromFields({ ...fields, embeddingModel: ' ' }).errors).toEqual({ embeddingModel: expect.stringMatching(/^one or more of /) });
    // The same model twice is refused by the protocol's own check.
    expect(frameFromFields({ ...fields, embeddingModel: 'rakis-test/encoder-tiny rakis-test/encoder-tiny' }).frame).toBeUndefined();
  });
});

describe('<rakis-quorum> helpers', () => {
  test('request ids are 64 hex characters', () => {
    expect(requestIdProblem('ab'.repeat(32))).toBeUndefined();
    expect(requestIdProblem('latest')).toMatch(/not a request id/);
  });

  test('rejections say what was rejected', () => {
    // The node's snapshot carries the rejections (with their reasons); the view names their kind.
    expect(REJECTED).toEqual({ commit: 'commit', 'reveal-list': 'reveal list', reveal: 'reveal', 'remote-reveal': 'reveal (reported by a peer)' });
  });
});
