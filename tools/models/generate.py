"""Generates the project's test models, rakis-test/encoder-mini, rakis-test/encoder-tiny and rakis-test/lm-mini.

They are small fixtures in the exact formats transformers.js loads (config.json, tokenizer.json,
tokenizer_config.json, onnx/model.onnx), made because no package ships trained weights. Both are
trained for a few seconds on docstrings of Python's standard library (PSF license, from Debian's
libpython3.11-stdlib), so paraphrases embed closer than unrelated texts and the LM writes
English-looking words. Seeded, single-threaded: reruns on Debian 12 give the same files.

Run: /usr/bin/python3 tools/models/generate.py [out_dir] [--only encoder|encoder-tiny|lm]
(default out_dir: models/; needs python3-torch, python3-onnx)
"""
import argparse
import ast
import collections
import json
import math
import os
import random
import re

# Arguments first, so --help and a bad argument answer without torch installed.
PARSER = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], epilog='needs python3-torch, python3-onnx')
PARSER.add_argument('out_dir', nargs='?', default=os.path.join(os.path.dirname(__file__), '..', '..', 'models'),
                    help='where rakis-test/ is written (default: the repo\'s models/)')
PARSER.add_argument('--only', choices=['encoder', 'encoder-tiny', 'lm'], help='generate one model only')
ARGS = PARSER.parse_args()
OUT = ARGS.out_dir
ONLY = ARGS.only

# Single-threaded BLAS: same sums in the same order on every run.
os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
os.environ.setdefault('OMP_NUM_THREADS', '1')

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 20261125
STDLIB = '/usr/lib/python3.11'

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)


def seed_all(offset):
    random.seed(SEED + offset)
    torch.manual_seed(SEED + offset)


# ---------------------------------------------------------------- corpus

def corpus_sentences(limit_chars=400_000):
    """ASCII sentences from stdlib docstrings, in a fixed file order."""
    files = sorted(
        os.path.join(STDLIB, name) for name in os.listdir(STDLIB)
        if name.endswith('.py') and not name.startswith('_')
    )
    sentences, total = [], 0
    for path in files:
        try:
            tree = ast.parse(open(path, encoding='utf-8').read())
        except (SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
                continue
            doc = ast.get_docstring(node)
            if not doc or not doc.isascii():
                continue
            for paragraph in re.split(r'\n\s*\n', doc):
                text = ' '.join(paragraph.split())
                if '>>>' in text or len(text) < 20:
                    continue
                for sentence in re.split(r'(?<=[.!?])\s+', text):
                    if 20 <= len(sentence) <= 200 and re.match(r'^[A-Z]', sentence):
                        sentences.append(sentence)
                        total += len(sentence)
        if total >= limit_chars:
            break
    return sentences


# ---------------------------------------------------------------- encoder (BERT family, WordPiece)

SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
PUNCT = re.compile(r'[A-Za-z0-9]+|[^\sA-Za-z0-9]')


def bert_words(text):
    return PUNCT.findall(text.lower())


def wordpiece_vocab(sentences, size=2048):
    chars = [chr(c) for c in range(33, 127) if not chr(c).isupper()]
    continuations = ['##' + c for c in chars if c.isalnum()]
    counts = collections.Counter(w for s in sentences for w in bert_words(s) if len(w) > 1)
    base = SPECIALS + chars + continuations
    words = [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return base + words[: size - len(base)]


def wordpiece_ids(text, index, max_len):
    ids = [index['[CLS]']]
    for word in bert_words(text):
        start, pieces = 0, []
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else '##' + word[start:end]
                if piece in index:
                    pieces.append(index[piece])
                    break
                end -= 1
            if end == start:
                pieces = [index['[UNK]']]
                break
            start = end
        ids.extend(pieces)
    return ids[: max_len - 1] + [index['[SEP]']]


class BertLayer(nn.Module):
    def __init__(self, hidden, heads, inner):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.out = nn.Linear(hidden, hidden)
        self.ln1 = nn.LayerNorm(hidden, eps=1e-12)
        self.ff1 = nn.Linear(hidden, inner)
        self.ff2 = nn.Linear(inner, hidden)
        self.ln2 = nn.LayerNorm(hidden, eps=1e-12)

    def forward(self, x, mask_bias):
        b, t, h = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, h // self.heads).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-1, -2) / math.sqrt(h // self.heads) + mask_bias
        attn = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, h)
        x = self.ln1(x + self.out(attn))
        return self.ln2(x + self.ff2(F.gelu(self.ff1(x))))


class Encoder(nn.Module):
    def __init__(self, vocab, hidden=128, layers=2, heads=4, inner=256, positions=128):
        super().__init__()
        self.words = nn.Embedding(vocab, hidden)
        self.positions = nn.Embedding(positions, hidden)
        self.types = nn.Embedding(2, hidden)
        self.ln = nn.LayerNorm(hidden, eps=1e-12)
        self.layers = nn.ModuleList(BertLayer(hidden, heads, inner) for _ in range(layers))

    def forward(self, input_ids, attention_mask, token_type_ids):
        t = input_ids.shape[1]
        pos = torch.arange(t, device=input_ids.device).unsqueeze(0)
        x = self.ln(self.words(input_ids) + self.positions(pos) + self.types(token_type_ids))
        mask_bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
        for layer in self.layers:
            x = layer(x, mask_bias)
        return x


def mean_pool(hidden, mask):
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return F.normalize((hidden * m).sum(1) / m.sum(1).clamp(min=1), dim=-1)


def augment(words, rng):
    """A paraphrase stand-in: drop some words, swap a neighbour pair."""
    kept = [w for w in words if rng.random() > 0.15] or words[:1]
    if len(kept) > 2:
        i = rng.randrange(len(kept) - 1)
        kept[i], kept[i + 1] = kept[i + 1], kept[i]
    return ' '.join(kept)


def pad_batch(seqs):
    width = max(len(s) for s in seqs)
    ids = torch.zeros(len(seqs), width, dtype=torch.long)
    mask = torch.zeros(len(seqs), width, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
        mask[i, : len(s)] = 1
    return ids, mask


def train_encoder(model, sentences, index, steps=250, batch=32):
    """Contrastive (in-batch InfoNCE): a sentence and its augmented copy should be nearest neighbours."""
    rng = random.Random(SEED)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    for step in range(steps):
        picked = [sentences[rng.randrange(len(sentences))] for _ in range(batch)]
        a = [wordpiece_ids(s, index, 48) for s in picked]
        b = [wordpiece_ids(augment(s.split(), rng), index, 48) for s in picked]
        ids, mask = pad_batch(a + b)
        z = mean_pool(model(ids, mask, torch.zeros_like(ids)), mask)
        logits = z[:batch] @ z[batch:].T / 0.05
        target = torch.arange(batch)
        loss = (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0 or step == steps - 1:
            print(f'  encoder step {step} loss {loss.item():.3f}')


def bert_tokenizer_json(vocab):
    def special(i, tok):
        return {'id': i, 'content': tok, 'single_word': False, 'lstrip': False, 'rstrip': False,
                'normalized': False, 'special': True}
    index = {t: i for i, t in enumerate(vocab)}
    return {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': [special(index[t], t) for t in SPECIALS],
        'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True,
                       'strip_accents': None, 'lowercase': True},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                       {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}],
            'pair': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                     {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}, {'Sequence': {'id': 'B', 'type_id': 1}},
                     {'SpecialToken': {'id': '[SEP]', 'type_id': 1}}],
            'special_tokens': {t: {'id': t, 'ids': [index[t]], 'tokens': [t]} for t in ('[CLS]', '[SEP]')},
        },
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##',
                  'max_input_chars_per_word': 100, 'vocab': index},
    }


def make_encoder(sentences):
    seed_all(1)
    vocab = wordpiece_vocab(sentences)
    index = {t: i for i, t in enumerate(vocab)}
    model = Encoder(len(vocab))
    train_encoder(model, sentences, index)
    model.eval()
    out = os.path.join(OUT, 'rakis-test', 'encoder-mini')
    os.makedirs(os.path.join(out, 'onnx'), exist_ok=True)
    ids, mask = pad_batch([wordpiece_ids('A test fixture sentence.', index, 128)])
    export(model, (ids, mask, torch.zeros_like(ids)), os.path.join(out, 'onnx', 'model.onnx'),
           ['input_ids', 'attention_mask', 'token_type_ids'], ['last_hidden_state'],
           {n: {0: 'batch_size', 1: 'sequence_length'} for n in ['input_ids', 'attention_mask', 'token_type_ids', 'last_hidden_state']})
    write_json(out, 'config.json', {
        '_comment': 'Test fixture made by tools/models/generate.py; not a production model.',
        'architectures': ['BertModel'], 'model_type': 'bert', 'vocab_size': len(vocab), 'hidden_size': 128,
        'num_hidden_layers': 2, 'num_attention_heads': 4, 'intermediate_size': 256, 'hidden_act': 'gelu',
        'max_position_embeddings': 128, 'type_vocab_size': 2, 'layer_norm_eps': 1e-12, 'pad_token_id': 0,
    })
    write_json(out, 'tokenizer.json', bert_tokenizer_json(vocab))
    write_json(out, 'tokenizer_config.json', {
        'tokenizer_class': 'BertTokenizer', 'do_lower_case': True, 'model_max_length': 128,
        'cls_token': '[CLS]', 'sep_token': '[SEP]', 'pad_token': '[PAD]', 'unk_token': '[UNK]', 'mask_token': '[MASK]',
        'clean_up_tokenization_spaces': True,
    })
    return model, index


# ---------------------------------------------------------------- second encoder (pre-LN, ReLU, 64 dims)

class PreNormLayer(nn.Module):
    """A pre-LayerNorm block with ReLU: a different architecture from encoder-mini's post-LN GELU one."""
    def __init__(self, hidden, heads, inner):
        super().__init__()
        self.heads = heads
        self.head_dim = hidden // heads
        self.ln1 = nn.LayerNorm(hidden, eps=1e-12)
        self.q = nn.Linear(hidden, hidden)
        self.k = nn.Linear(hidden, hidden)
        self.v = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, hidden)
        self.ln2 = nn.LayerNorm(hidden, eps=1e-12)
        self.ff1 = nn.Linear(hidden, inner)
        self.ff2 = nn.Linear(inner, hidden)

    def forward(self, x, mask_bias):
        b, t, h = x.shape
        d = self.head_dim
        y = self.ln1(x)
        q, k, v = (proj(y).view(b, t, self.heads, d).transpose(1, 2) for proj in (self.q, self.k, self.v))
        attn = ((q @ k.transpose(-1, -2) / math.sqrt(d) + mask_bias).softmax(-1) @ v).transpose(1, 2).reshape(b, t, h)
        x = x + self.out(attn)
        return x + self.ff2(F.relu(self.ff1(self.ln2(x))))


class TinyEncoder(nn.Module):
    """64 dims, 3 pre-LN layers, 2 heads, no token types in the sum (the input is accepted and unused)."""
    def __init__(self, vocab, hidden=64, layers=3, heads=2, inner=128, positions=128):
        super().__init__()
        self.words = nn.Embedding(vocab, hidden)
        self.positions = nn.Embedding(positions, hidden)
        self.layers = nn.ModuleList(PreNormLayer(hidden, heads, inner) for _ in range(layers))
        self.ln = nn.LayerNorm(hidden, eps=1e-12)

    def forward(self, input_ids, attention_mask, token_type_ids):
        t = input_ids.shape[1]
        pos = torch.arange(t, device=input_ids.device).unsqueeze(0)
        x = self.words(input_ids) + self.positions(pos) + 0 * token_type_ids.unsqueeze(-1).to(torch.float32)
        mask_bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
        for layer in self.layers:
            x = layer(x, mask_bias)
        return self.ln(x)


def make_tiny_encoder(sentences):
    seed_all(3)
    vocab = wordpiece_vocab(sentences, size=1024)
    index = {t: i for i, t in enumerate(vocab)}
    model = TinyEncoder(len(vocab))
    train_encoder(model, sentences, index, steps=300)
    model.eval()
    out = os.path.join(OUT, 'rakis-test', 'encoder-tiny')
    os.makedirs(os.path.join(out, 'onnx'), exist_ok=True)
    ids, mask = pad_batch([wordpiece_ids('A test fixture sentence.', index, 128)])
    export(model, (ids, mask, torch.zeros_like(ids)), os.path.join(out, 'onnx', 'model.onnx'),
           ['input_ids', 'attention_mask', 'token_type_ids'], ['last_hidden_state'],
           {n: {0: 'batch_size', 1: 'sequence_length'} for n in ['input_ids', 'attention_mask', 'token_type_ids', 'last_hidden_state']})
    write_json(out, 'config.json', {
        '_comment': 'Test fixture made by tools/models/generate.py; not a production model. Pre-LN, ReLU.',
        'architectures': ['BertModel'], 'model_type': 'bert', 'vocab_size': len(vocab), 'hidden_size': 64,
        'num_hidden_layers': 3, 'num_attention_heads': 2, 'intermediate_size': 128, 'hidden_act': 'relu',
        'max_position_embeddings': 128, 'type_vocab_size': 2, 'layer_norm_eps': 1e-12, 'pad_token_id': 0,
    })
    write_json(out, 'tokenizer.json', bert_tokenizer_json(vocab))
    write_json(out, 'tokenizer_config.json', {
        'tokenizer_class': 'BertTokenizer', 'do_lower_case': True, 'model_max_length': 128,
        'cls_token': '[CLS]', 'sep_token': '[SEP]', 'pad_token': '[PAD]', 'unk_token': '[UNK]', 'mask_token': '[MASK]',
        'clean_up_tokenization_spaces': True,
    })
    return model, index


# ---------------------------------------------------------------- decoder (GPT-2 family, byte-level BPE)

def bytes_to_unicode():
    """GPT-2's reversible byte → printable character map."""
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('\xa1'), ord('\xac') + 1)) + list(range(ord('\xae'), ord('\xff') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


BYTE_CHARS = bytes_to_unicode()
# GPT-2's split pattern, restricted to ASCII (the corpus is ASCII; the runtime uses the full pattern).
GPT2_SPLIT = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+""")
EOS = '<|endoftext|>'


def train_bpe(sentences, merges_count):
    words = collections.Counter(w for s in sentences for w in GPT2_SPLIT.findall(s))
    split = {w: [BYTE_CHARS[b] for b in w.encode()] for w in words}
    merges = []
    for _ in range(merges_count):
        pairs = collections.Counter()
        for w, n in words.items():
            parts = split[w]
            for i in range(len(parts) - 1):
                pairs[(parts[i], parts[i + 1])] += n
        if not pairs:
            break
        best = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        merges.append(best)
        for w in words:
            parts, i, merged = split[w], 0, []
            while i < len(parts):
                if i + 1 < len(parts) and (parts[i], parts[i + 1]) == best:
                    merged.append(parts[i] + parts[i + 1])
                    i += 2
                else:
                    merged.append(parts[i])
                    i += 1
            split[w] = merged
    vocab = [BYTE_CHARS[b] for b in range(256)] + [a + b for a, b in merges] + [EOS]
    return vocab, merges


def bpe_encode(text, index, ranks):
    ids = []
    for word in GPT2_SPLIT.findall(text):
        parts = [BYTE_CHARS[b] for b in word.encode()]
        while len(parts) > 1:
            best = min(range(len(parts) - 1), key=lambda i: ranks.get((parts[i], parts[i + 1]), 1 << 30))
            if (parts[best], parts[best + 1]) not in ranks:
                break
            parts[best:best + 2] = [parts[best] + parts[best + 1]]
        ids.extend(index[p] for p in parts)
    return ids


class GptBlock(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(hidden)
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.out = nn.Linear(hidden, hidden)
        self.ln2 = nn.LayerNorm(hidden)
        self.ff1 = nn.Linear(hidden, 4 * hidden)
        self.ff2 = nn.Linear(4 * hidden, hidden)

    def forward(self, x, past_k, past_v, mask_bias):
        b, t, h = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(b, t, 3, self.heads, h // self.heads).permute(2, 0, 3, 1, 4)
        k = torch.cat([past_k, k], dim=2)
        v = torch.cat([past_v, v], dim=2)
        scores = q @ k.transpose(-1, -2) / math.sqrt(h // self.heads) + mask_bias
        attn = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, h)
        x = x + self.out(attn)
        return x + self.ff2(F.gelu(self.ff1(self.ln2(x)), approximate='tanh')), k, v


class Decoder(nn.Module):
    def __init__(self, vocab, printable, hidden=128, layers=2, heads=4, positions=256):
        super().__init__()
        self.heads, self.hidden = heads, hidden
        self.wte = nn.Embedding(vocab, hidden)
        self.wpe = nn.Embedding(positions, hidden)
        self.blocks = nn.ModuleList(GptBlock(hidden, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(hidden)
        # Keeps text printable: a fixed penalty on tokens with bytes outside printable ASCII.
        nn.init.normal_(self.wte.weight, std=0.02)
        nn.init.normal_(self.wpe.weight, std=0.01)
        self.register_buffer('logit_bias', torch.tensor([0.0 if p else -100.0 for p in printable]))

    def forward(self, input_ids, attention_mask, position_ids, *past):
        b, t = input_ids.shape
        past_len = past[0].shape[2]
        total = past_len + t
        causal = torch.arange(total)[None, :] <= (torch.arange(t) + past_len)[:, None]
        allowed = causal[None, None, :, :] & attention_mask[:, None, None, :].bool()
        mask_bias = (~allowed).to(torch.float32) * -10000.0
        x = self.wte(input_ids) + self.wpe(position_ids)
        presents = []
        for i, block in enumerate(self.blocks):
            x, k, v = block(x, past[2 * i], past[2 * i + 1], mask_bias)
            presents += [k, v]
        logits = self.ln_f(x) @ self.wte.weight.T + self.logit_bias
        return (logits, *presents)

    def empty_past(self, batch):
        shape = (batch, self.heads, 0, self.hidden // self.heads)
        return [torch.zeros(shape) for _ in range(2 * len(self.blocks))]


def train_decoder(model, stream, steps=1600, batch=16, width=64):
    rng = random.Random(SEED)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1 - s / steps)
    data = torch.tensor(stream)
    for step in range(steps):
        starts = [rng.randrange(len(stream) - width - 1) for _ in range(batch)]
        x = torch.stack([data[s:s + width] for s in starts])
        y = torch.stack([data[s + 1:s + width + 1] for s in starts])
        pos = torch.arange(width).expand(batch, width)
        logits = model(x, torch.ones_like(x), pos, *model.empty_past(batch))[0]
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 200 == 0 or step == steps - 1:
            print(f'  decoder step {step} loss {loss.item():.3f}')


def greedy(model, ids, steps, use_cache):
    ids = list(ids)
    past = model.empty_past(1)
    feed = ids
    for _ in range(steps):
        if use_cache:
            start = len(ids) - len(feed)
            x = torch.tensor([feed])
            out = model(x, torch.ones(1, len(ids), dtype=torch.long), torch.arange(start, len(ids))[None], *past)
            past = list(out[1:])
        else:
            x = torch.tensor([ids])
            out = model(x, torch.ones_like(x), torch.arange(len(ids))[None], *model.empty_past(1))
        nxt = int(out[0][0, -1].argmax())
        ids.append(nxt)
        feed = [nxt]
    return ids


def make_decoder(sentences):
    seed_all(2)
    vocab, merges = train_bpe(sentences, 700)
    index = {t: i for i, t in enumerate(vocab)}
    ranks = {m: i for i, m in enumerate(merges)}
    char_bytes = {c: b for b, c in BYTE_CHARS.items()}
    printable = [tok == EOS or all(0x20 <= char_bytes[c] <= 0x7e for c in tok) for tok in vocab]
    model = Decoder(len(vocab), printable)
    eos = index[EOS]
    # Sentences run on without EOS, so generation goes on to maxTokens (benchmarks, cancellation).
    stream = bpe_encode(' '.join(sentences), index, ranks)
    print(f'  decoder corpus: {len(stream)} tokens, vocab {len(vocab)}')
    train_decoder(model, stream)
    model.eval()

    with torch.no_grad():
        prompt = bpe_encode('Return the', index, ranks)
        cached, uncached = greedy(model, prompt, 12, True), greedy(model, prompt, 12, False)
        assert cached == uncached, 'KV cache wiring differs from full recompute'
        text = bytes(char_bytes[c] for t in cached if t != eos for c in vocab[t]).decode()
        print(f'  greedy sample: {text!r}')

    out = os.path.join(OUT, 'rakis-test', 'lm-mini')
    os.makedirs(os.path.join(out, 'onnx'), exist_ok=True)
    layers = len(model.blocks)
    past_names = [f'past_key_values.{i}.{kv}' for i in range(layers) for kv in ('key', 'value')]
    present_names = [f'present.{i}.{kv}' for i in range(layers) for kv in ('key', 'value')]
    ids = torch.tensor([[5, 6]])
    dummy_past = [torch.zeros(1, model.heads, 3, model.hidden // model.heads) for _ in past_names]
    axes = {'input_ids': {0: 'batch_size', 1: 'sequence_length'},
            'attention_mask': {0: 'batch_size', 1: 'total_sequence_length'},
            'position_ids': {0: 'batch_size', 1: 'sequence_length'},
            'logits': {0: 'batch_size', 1: 'sequence_length'}}
    axes.update({n: {0: 'batch_size', 2: 'past_sequence_length'} for n in past_names})
    axes.update({n: {0: 'batch_size', 2: 'total_sequence_length'} for n in present_names})
    export(model, (ids, torch.ones(1, 5, dtype=torch.long), torch.tensor([[3, 4]]), *dummy_past),
           os.path.join(out, 'onnx', 'model.onnx'),
           ['input_ids', 'attention_mask', 'position_ids', *past_names], ['logits', *present_names], axes)
    write_json(out, 'config.json', {
        '_comment': 'Test fixture made by tools/models/generate.py; not a production model.',
        'architectures': ['GPT2LMHeadModel'], 'model_type': 'gpt2', 'vocab_size': len(vocab), 'n_embd': model.hidden,
        'n_layer': layers, 'n_head': model.heads, 'n_positions': 256, 'n_ctx': 256,
        'bos_token_id': eos, 'eos_token_id': eos, 'activation_function': 'gelu_new', 'use_cache': True,
    })
    write_json(out, 'generation_config.json', {'bos_token_id': eos, 'eos_token_id': eos})
    write_json(out, 'tokenizer.json', {
        'version': '1.0', 'truncation': None, 'padding': None,
        'added_tokens': [{'id': eos, 'content': EOS, 'single_word': False, 'lstrip': False, 'rstrip': False,
                          'normalized': True, 'special': True}],
        'normalizer': None,
        'pre_tokenizer': {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': True},
        'post_processor': {'type': 'ByteLevel', 'add_prefix_space': True, 'trim_offsets': False, 'use_regex': True},
        'decoder': {'type': 'ByteLevel', 'add_prefix_space': True, 'trim_offsets': True, 'use_regex': True},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': None, 'continuing_subword_prefix': '',
                  'end_of_word_suffix': '', 'fuse_unk': False, 'byte_fallback': False, 'ignore_merges': False,
                  'vocab': index, 'merges': [[a, b] for a, b in merges]},
    })
    write_json(out, 'tokenizer_config.json', {
        'tokenizer_class': 'GPT2Tokenizer', 'model_max_length': 256, 'add_prefix_space': False,
        'bos_token': EOS, 'eos_token': EOS, 'unk_token': EOS, 'clean_up_tokenization_spaces': False,
    })


# ---------------------------------------------------------------- output

def export(model, args, path, inputs, outputs, axes):
    with torch.no_grad():
        torch.onnx.export(model, args, path, input_names=inputs, output_names=outputs, dynamic_axes=axes,
                          opset_version=14, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))
    print(f'  wrote {path} ({os.path.getsize(path) / 1e6:.2f} MB)')


def write_json(folder, name, value):
    with open(os.path.join(folder, name), 'w') as f:
        json.dump(value, f, indent=1, ensure_ascii=False, sort_keys=False)
        f.write('\n')


def main():
    sentences = corpus_sentences()
    print(f'corpus: {len(sentences)} sentences from {STDLIB} docstrings')
    if ONLY in (None, 'encoder'):
        print('encoder-mini')
        make_encoder(sentences)
    if ONLY in (None, 'encoder-tiny'):
        print('encoder-tiny')
        make_tiny_encoder(sentences)
    if ONLY in (None, 'lm'):
        print('lm-mini')
        make_decoder(sentences)


if __name__ == '__main__':
    main()
