// JSON mode's pure parts: the schema on the wire, answers against it, the decoder's automaton and
// token mask, and consensus over JSON answers.
import { describe, expect, test } from 'vitest';
import { decideJson, type JsonConsensusPoint } from '../../src/consensus/index.js';
import { initialState, isComplete, minLength, minRemaining, step } from '../../src/engines/json-automaton.js';
import { JsonConstraint, allowedTokens, tokenVocabulary } from '../../src/engines/json-constraint.js';
import { checkBody, checkResponseSchema, embeddingTextOf, readJsonAnswer, schemaFields, splitJsonAnswer, type ObjectSchema } from '../../src/protocol/index.js';
import { webLlmJsonMessages, webLlmResponseFormat } from '../../src/engines/web-llm-json.js';
import { JSON_SCHEMAS } from '../../testkit/json-mode.js';
import { flipBits, randomBytes, randomHex, seededRandom } from '../../testkit/random.js';

const listing = JSON_SCHEMAS.listing!;

describe('the schema on the wire', () => {
  test.each(Object.entries(JSON_SCHEMAS))('%s is accepted', (_, schema) => {
    expect(checkResponseSchema(schema)).toBeUndefined();
  });

  test('an object four levels deep is the deepest accepted', () => {
    expect(checkResponseSchema(deep(4))).toBeUndefined();
  });
  const deep = (levels: number): unknown =>
    levels === 0 ? { type: 'string' } : { type: 'object', properties: { a: deep(levels - 1) } };
  test.each([
    [{ type: 'string' }, 'responseSchema must be an object schema'],
    [{ type: 'object', properties: {} }, 'responseSchema.properties names no property'],
    [{ type: 'object', properties: { a: { type: 'null' } } }, 'responseSchema.properties.a.type must be one of'],
    [{ type: 'object', properties: { a: { type: 'string', pattern: 'x' } } }, 'responseSchema.properties.a.pattern is not supported for type string'],
    [{ type: 'object', properties: { a: { type: 'string', enum: ['x'], 'x-match': 'free' } } }, 'an enum is always compared exactly'],
    [{ type: 'object', properties: { a: { type: 'string', 'x-match': 'fuzzy' } } }, 'x-match must be "exact" or "free"'],
    [{ type: 'object', properties: { a: { type: 'string' } }, required: ['b'] }, 'required must list names of its properties'],
    [{ type: 'object', properties: { a: { type: 'array', items: { type: 'number' }, minItems: 3, maxItems: 2 } } }, 'minItems is above maxItems'],
    [{ type: 'object', properties: { a: { type: 'string', maxLength: 0 } } }, 'maxLength must be an integer within 1..4096'],
    [{ type: 'object', properties: { 'a"b': { type: 'string' } } }, 'a key that is not'],
    [{ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: true }, 'additionalProperties may only be false'],
    [deep(5), 'nests deeper than 4 levels'],
    [{ type: 'object', properties: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, { type: 'boolean' }])) }, 'more than 32 properties'],
    [{ type: 'object', properties: { a: { type: 'string', enum: Array.from({ length: 32 }, (_, i) => 'x'.repeat(125) + i) } } }, 'larger than 4096 bytes'],
  ])('%j is refused: %s', (schema, problem) => {
    expect(checkResponseSchema(schema)).toContain(problem);
  });

  test('an inference request carries it, checked with the packet', () => {
    const body = {
      type: 'inferenceRequest',
      requestId: 'a'.repeat(64),
      prompt: 'Describe the kettle',
      acceptedModels: ['rakis-test/lm-mini'],
      temperature: 0,
      maxTokens: 120,
      securityFrame: { quorum: 3, maxTimeMs: 10_000, secDistance: 0.2, secPercentage: 0.5, embeddingModel: 'rakis-test/encoder-mini' },
    };
    expect(checkBody(body)).toBeUndefined();
    expect(checkBody({ ...body, responseSchema: listing })).toBeUndefined();
    expect(checkBody({ ...body, responseSchema: { type: 'object', properties: { a: { type: 'date' } } } })).toContain('body.responseSchema.properties.a.type');
  });
});

describe('answers against the schema', () => {
  const good = { title: 'Kettle', sku: 'K-1', price: 12.5, tags: ['blue'] };
  test('a fitting answer reads, whatever its key order and spacing', () => {
    expect(readJsonAnswer(JSON.stringify(good), listing)).toEqual({ value: good });
    expect(readJsonAnswer('{ "tags": ["blue"], "price": 12.5, "sku": "K-1", "title": "Kettle" }', listing)).toEqual({ value: good });
    // Every traversal is in canonical key order: a schema written in another order reads and splits the same.
    const reordered = { ...listing, properties: Object.fromEntries(Object.entries(listing.properties).reverse()) };
    expect(splitJsonAnswer(good, reordered)).toEqual(splitJsonAnswer(good, listing));
    expect(schemaFields(reordered)).toEqual(schemaFields(listing));
  });
  test.each([
    ['{"title": "Kettle"', 'the answer is not JSON'],
    [JSON.stringify({ ...good, colour: 'blue' }), '$.colour is not in the schema'],
    [JSON.stringify({ ...good, sku: undefined }), '$.sku is required'],
    [JSON.stringify({ ...good, price: '12' }), '$.price must be a number'],
    [JSON.stringify({ ...good, tags: [] }), '$.tags has fewer than 1 items'],
    [JSON.stringify({ ...good, tags: ['a', 'b', 'c', 'd'] }), '$.tags has more than 3 items'],
    [JSON.stringify({ ...good, title: 'x'.repeat(25) }), '$.title is longer than 24 characters'],
    [JSON.stringify({ summary: 'ok', sentiment: 'great', stars: 5, recommended: true }), '$.sentiment must be one of'],
  ])('%s: %s', (output, problem) => {
    const schema = output.includes('summary') ? JSON_SCHEMAS.review! : listing;
    const read = readJsonAnswer(output, schema);
    expect('problem' in read && read.problem).toContain(problem);
  });

  test('the exact part holds everything but free text; the embedded text is the free text alone', () => {
    const split = splitJsonAnswer(good, listing);
    expect(split.exactKey).toBe('{"price":12.5,"sku":"K-1","tags":[null],"title":null}');
    // Canonical key order, whatever order the schema was written in.
    expect(split.freeTexts).toEqual([
      { path: '$.tags[]', text: 'blue' },
      { path: '$.title', text: 'Kettle' },
    ]);
    expect(embeddingTextOf(JSON.stringify(good), listing)).toBe('blue\nKettle');
    expect(embeddingTextOf('not json', listing)).toBe('not json');
    expect(embeddingTextOf('plain', undefined)).toBe('plain');
  });
});

describe('the decoder automaton', () => {
  const feed = (schema: ObjectSchema, text: string) => {
    let state = initialState(schema);
    for (const char of text) {
      const next = step(state, char);
      if (!next) return undefined;
      state = next;
    }
    return state;
  };

  test('accepts the compact spelling of fitting answers in canonical key order, and nothing else', () => {
    const text = '{"price":-0.5,"sku":"K-1","tags":["a","b"],"title":"A \\"kettle\\""}';
    expect(isComplete(feed(listing, text)!)).toBe(true);
    expect(readJsonAnswer(text, listing)).toHaveProperty('value');
    for (const bad of ['{ "price"', '{"sku":', '{"price":01', '{"price":1e5', '{"price":1,"sku":"b","tags":[]', '{"title":"a"']) {
      expect(feed(listing, bad)).toBeUndefined();
    }
    const review = JSON_SCHEMAS.review!;
    expect(feed(review, '{"recommended":true,"sentiment":"neu')).toBeDefined();
    expect(feed(review, '{"recommended":true,"sentiment":"good"')).toBeUndefined();
    expect(feed(review, '{"recommended":true,"sentiment":"neutral","stars":1.5')).toBeUndefined();
    expect(feed(review, '{"recommended":f')).toBeDefined();
    expect(feed(review, '{"recommended":x')).toBeUndefined();
  });

  test('minRemaining is the shortest completion', () => {
    expect(minRemaining(initialState(listing))).toBe(minLength(listing));
    expect(minLength(listing)).toBe('{"price":0,"sku":"","tags":[""],"title":""}'.length);
    const state = feed(listing, '{"price":12,"sku":"abc')!;
    expect(minRemaining(state)).toBe('","tags":[""],"title":""}'.length);
  });

  // Tokens of one character (every printable ASCII) and of several, as a BPE vocabulary has.
  const texts = [...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)), '{"', '":', '","', 'true', 'false', ' the', 'ing', '12', '.5', '"}', '"]', '\uFFFD', 'caf\u00e9'];
  const vocabulary = tokenVocabulary([...texts, ''], texts.length);

  test.each(Object.keys(JSON_SCHEMAS))('random choices among the allowed tokens always end in a fitting %s answer within budget', (name) => {
    const schema = JSON_SCHEMAS[name]!;
    const random = seededRandom(name.length);
    for (let run = 0; run < 200; run++) {
      const budget = minLength(schema) + Math.floor(random() * 80);
      const constraint = new JsonConstraint(vocabulary, schema, budget);
      let text = '';
      for (let used = 0; used < budget; used++) {
        const logits = Float32Array.from(vocabulary.texts, () => random());
        constraint.mask(logits);
        const best = logits.indexOf(Math.max(...logits));
        expect(logits[best]).toBeGreaterThan(-Infinity);
        constraint.accept(best);
        if (best === vocabulary.eosId) break;
        text += vocabulary.texts[best];
      }
      expect(readJsonAnswer(text, schema)).toHaveProperty('value');
    }
  });

  test('the end token only when complete, and then only it; pieces of characters never', () => {
    const state = initialState(listing);
    expect(allowedTokens(vocabulary, state, 100)).not.toContain(vocabulary.eosId);
    expect(allowedTokens(vocabulary, state, 100).map((id) => texts[id])).toEqual(expect.arrayContaining(['{', '{"']));
    expect(allowedTokens(vocabulary, state, 100).map((id) => texts[id])).not.toContain('\uFFFD');
    expect(allowedTokens(vocabulary, feed(listing, '{"price":1,"sku":"b","tags":["x"],"title":"a"}')!, 5)).toEqual([vocabulary.eosId]);
    expect(() => new JsonConstraint(vocabulary, listing, 10)).toThrow('needs 43 tokens');
  });
});

describe('consensus in JSON mode', () => {
  const random = seededRandom(13);
  const base = randomBytes(random, 16);
  const point = (output: unknown, flips = 2): JsonConsensusPoint => ({
    inferenceId: randomHex(random, 32),
    commitment: randomHex(random, 32),
    bEmbedding: flipBits(random, base, flips),
    output: typeof output === 'string' ? output : JSON.stringify(output),
  });
  const honest = { title: 'Blue kettle', sku: 'K-1', price: 12.5, tags: ['blue'] };
  const frame = { secDistance: 0.2, secPercentage: 0.5, bits: 128, schema: listing };

  test('liars who agree on the text but differ on an exact field are outliers; invalid answers are set aside with a reason', () => {
    const points = [
      point(honest),
      point({ ...honest, title: 'A blue kettle' }),
      point(honest),
      point({ ...honest, price: 99 }),
      point({ ...honest, sku: 'K-2' }),
      point('{"title": "Blue kettle", "sku": "K-1"'),
    ];
    const result = decideJson({ ...frame, points, commitCount: 6 });
    expect(result.status).toBe('decided');
    if (result.status !== 'decided') return;
    expect(new Set(result.members)).toEqual(new Set([points[0]!, points[1]!, points[2]!].map((p) => p.inferenceId)));
    expect(new Set(result.outliers)).toEqual(new Set([points[3]!.inferenceId, points[4]!.inferenceId]));
    expect(result.json.invalid).toEqual([{ inferenceId: points[5]!.inferenceId, reason: 'the answer is not JSON' }]);
    expect(result.json.groups).toBe(3);
    expect(result.json.fields).toEqual([
      { path: '$.price', match: 'exact', identical: true },
      { path: '$.sku', match: 'exact', identical: true },
      { path: '$.tags[]', match: 'free', identical: true },
      { path: '$.title', match: 'free', identical: false },
    ]);
    for (let shuffle = 0; shuffle < 10; shuffle++) {
      const order = [...points].sort(() => random() - 0.5);
      expect(decideJson({ ...frame, points: order, commitCount: 6 })).toEqual(result);
    }
  });

  test('free text beyond the radius splits a group as in text mode', () => {
    const far = flipBits(random, base, 60);
    const points = [point(honest), point(honest), { ...point(honest), bEmbedding: far }, { ...point(honest), bEmbedding: flipBits(random, far, 1) }, { ...point(honest), bEmbedding: flipBits(random, far, 2) }];
    const result = decideJson({ ...frame, points, commitCount: 5 });
    expect(result.status === 'decided' && result.members.length).toBe(3);
    expect(result.status === 'decided' && result.members).not.toContain(points[0]!.inferenceId);
  });

  test('with several embedding models, free text must be within the radius in every model', () => {
    // Two 64-bit models: a radius of 16 bits each at 0.25, 32 bits over the whole 128 as one model.
    const twoModels = { ...frame, secDistance: 0.25 };
    const offInSecond = base.slice();
    for (const byte of [8, 9, 10]) offInSecond[byte]! ^= 0xff;
    const near = [point(honest), point(honest), point(honest), point(honest)];
    const farInSecond = [0, 1].map(() => ({ ...point(honest), bEmbedding: flipBits(random, offInSecond, 1) }));
    const points = [...near, ...farInSecond];
    const oneModel = decideJson({ ...twoModels, points, commitCount: 6 });
    expect(oneModel.status === 'decided' && oneModel.members.length).toBe(6);
    const everyModel = decideJson({ ...twoModels, segmentBits: [64, 64], points, commitCount: 6 });
    expect(everyModel.status).toBe('decided');
    if (everyModel.status !== 'decided') return;
    expect(new Set(everyModel.members)).toEqual(new Set(near.map((p) => p.inferenceId)));
    expect(new Set(everyModel.outliers)).toEqual(new Set(farInSecond.map((p) => p.inferenceId)));
  });

  test('too many invalid or disagreeing answers fail the request', () => {
    const allInvalid = decideJson({ ...frame, points: [point('nope'), point('[]')], commitCount: 2 });
    expect(allInvalid).toMatchObject({ status: 'failed', reason: 'all-rejected' });
    expect(allInvalid.json.invalid.map((item) => item.reason).sort()).toEqual(['$ must be an object', 'the answer is not JSON']);
    const split = decideJson({ ...frame, secPercentage: 0.6, points: [point(honest), point({ ...honest, price: 1 }), point({ ...honest, price: 2 }), point('x')], commitCount: 4 });
    expect(split).toMatchObject({ status: 'failed', reason: 'cluster-too-small', bestClusterSize: 1 });
  });
});

describe('JSON mode on WebLLM', () => {
  test('the response format is standard JSON Schema: x-match dropped, objects closed', () => {
    const format = webLlmResponseFormat(listing);
    expect(format.type).toBe('json_object');
    const schema = JSON.parse(format.schema!);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.sku).toEqual({ type: 'string', maxLength: 12 });
    expect(schema.properties.tags).toEqual({ type: 'array', items: { type: 'string', maxLength: 10 }, minItems: 1, maxItems: 3 });
    expect(JSON.stringify(schema)).not.toContain('x-match');
    expect(webLlmJsonMessages('Describe it', listing).map((message) => message.role)).toEqual(['system', 'user']);
  });
});
