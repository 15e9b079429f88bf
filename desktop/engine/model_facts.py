"""What a GGUF header says about a model: can this llama.cpp run it, how big, how quantized.

No llama.cpp is loaded for this: the picker describes dozens of files in a fraction of a
second, so the facts llama.cpp would check at load time are derived from the header here.
"""

from __future__ import annotations

from desktop.engine.gguf_header import GGUFHeader, SkippedArray

# The architectures the vendored llama.cpp of llama-cpp-python 0.3.36 knows, from
# LLM_ARCH_NAMES in vendor/llama.cpp/src/llama-arch.cpp (tests check each name is in the
# installed libllama). Update both when llama-cpp-python is upgraded.
LLAMA_ARCHITECTURES = frozenset(
    """
    clip llama llama4 deci falcon grok gpt2 gptj gptneox mpt baichuan starcoder refact
    bert modern-bert nomic-bert nomic-bert-moe neo-bert jina-bert-v2 jina-bert-v3
    eurobert bloom stablelm qwen qwen2 qwen2moe qwen2vl qwen3 qwen3moe qwen3next qwen3vl
    qwen3vlmoe qwen35 qwen35moe qwen4exp phi2 phi3 phimoe plamo plamo2 plamo3 codeshell
    orion internlm2 minicpm minicpm3 gemma gemma2 gemma3 gemma3n gemma4 gemma4-assistant
    gemma-embedding starcoder2 mamba mamba2 maple jamba falcon-h1 xverse command-r
    cohere2 cohere2moe dbrx olmo olmo2 olmoe muse-glimmer openelm arctic deepseek
    deepseek2 deepseek2-ocr deepseek32 deepseek4 chatglm glm4 glm4moe glm-dsa bitnet t5
    t5encoder jais jais2 nemotron nemotron_h nemotron_h_moe exaone exaone4 exaone-moe
    rwkv6 rwkv6qwen2 rwkv7 arwkv7 granite granitemoe granitehybrid graniteswitch
    granite_swa chameleon wavtokenizer-dec plm bailingmoe bailingmoe2 bailingmoe3 dots1
    dots3note arcee afmoe laguna ernie4_5 ernie4_5-moe hunyuan-moe hunyuan-dense
    hunyuan_vl hy_v3 hy_v4 smollm3 gpt-oss lfm2 lfm2moe dream smallthinker llada
    llada-moe seed_oss grovemoe apertus minimax-01 hrm_text minimax-m2 minimax-m3 cogvlm rnd1
    pangu-embedded mistral3 eagle3 dflash mistral4 paddleocr mimo2 step35 spark2_5
    llama-embed maincoder kimi-linear kimi-k3 glm5-next talkie mellum nanbeige qwen3tts
    pockettts
    """.split()  # noqa: SIM905 - pasted as llama-arch.cpp lists them
)

# Known to llama.cpp but unable to write a chat reply: encoders and embedding models, speech
# and audio decoders, speculative-decoding heads, diffusion text models (no streaming).
NOT_FOR_CHAT: dict[str, str] = {
    **dict.fromkeys(
        "bert modern-bert nomic-bert nomic-bert-moe neo-bert jina-bert-v2 jina-bert-v3 "  # noqa: SIM905
        "eurobert gemma-embedding llama-embed t5encoder".split(),
        "an embedding model: it cannot write replies",
    ),
    **dict.fromkeys(
        ["wavtokenizer-dec", "qwen3tts", "pockettts"], "a speech model: it cannot write replies"
    ),
    **dict.fromkeys(
        ["eagle3", "dflash", "gemma4-assistant"], "a speculative-decoding helper, not a model"
    ),
    **dict.fromkeys(["dream", "llada", "llada-moe", "rnd1"], "a diffusion model: it cannot stream"),
}

# general.file_type (llama.h's LLAMA_FTYPE_*) -> the quantization name users know.
FILE_TYPES: dict[int, str] = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
    11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S",
    17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS",
    23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S",
    29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0", 37: "TQ2_0",
    38: "MXFP4_MOE", 39: "NVFP4", 40: "Q1_0", 41: "Q2_0",
}  # fmt: skip

KV_BYTES_PER_VALUE = 2  # llama.cpp's default KV cache type is F16
# Compute buffers, logits and the runtime itself, beyond weights and KV cache: measured at
# 150-400 MiB for 0.1-8B models on CPU; the estimate errs high so "fits" means fits.
OVERHEAD_BYTES = 384 * 1024 * 1024


def quantization(header: GGUFHeader) -> str:
    file_type = header.get_int("general.file_type")
    if file_type is None:
        return "unknown"
    return FILE_TYPES.get(file_type, f"type {file_type}")


def parameter_count(header: GGUFHeader) -> int:
    """Exact weights count from the tensor shapes (GGUF stores no total)."""
    return sum(tensor.elements for tensor in header.tensors)


def format_parameters(count: int) -> str:
    if count >= 1_000_000_000:
        return f"{count / 1e9:.1f}B"
    return f"{count / 1e6:.0f}M"


def unsupported_reason(header: GGUFHeader, file_name: str) -> str:
    """Why this llama.cpp cannot draft replies with the file, or "" when it can."""
    arch = header.architecture
    lowered = file_name.lower()
    if arch == "clip" or "mmproj" in lowered or header.get("clip.has_vision_encoder") is not None:
        return "a vision projector (mmproj), used alongside a model, not a model itself"
    if not arch:
        return "the file names no architecture (general.architecture): damaged or not a model"
    if arch not in LLAMA_ARCHITECTURES:
        return f"architecture {arch!r} is not supported by this version of llama.cpp"
    if arch in NOT_FOR_CHAT:
        return NOT_FOR_CHAT[arch]
    if header.get_int("split.count") not in (None, 0, 1) and header.get_int("split.no") != 0:
        return "a later part of a split model: choose its first part (-00001-of-)"
    return ""


def _kv_heads(header: GGUFHeader, heads: int) -> float:
    """Average KV heads per layer; per-layer arrays (Gemma 3, OLMo) and MQA/GQA handled."""
    value = header.get(f"{header.architecture}.attention.head_count_kv")
    if isinstance(value, bool) or value is None:
        return float(heads)
    if isinstance(value, int):
        return float(value)
    if isinstance(value, list) and value:
        counts = [v for v in value if isinstance(v, int)]
        return sum(counts) / len(counts) if counts else float(heads)
    if isinstance(value, SkippedArray):
        return float(heads)
    return float(heads)


def kv_cache_bytes(header: GGUFHeader, context_tokens: int) -> int:
    """F16 keys and values for every layer at `context_tokens` (0 when the header lacks shapes)."""
    layers = header.arch_int("block_count") or 0
    embd = header.arch_int("embedding_length") or 0
    heads = header.arch_int("attention.head_count") or 0
    if not (layers and embd and heads):
        return 0
    head_dim_k = header.arch_int("attention.key_length") or embd // heads
    head_dim_v = header.arch_int("attention.value_length") or embd // heads
    kv_heads = _kv_heads(header, heads)
    per_token = kv_heads * (head_dim_k + head_dim_v) * layers * KV_BYTES_PER_VALUE
    return int(per_token * context_tokens)


def memory_needed(header: GGUFHeader, file_size: int, context_tokens: int) -> int:
    """Bytes of RAM a load at `context_tokens` takes: weights (mapped) + KV cache + overhead."""
    return file_size + kv_cache_bytes(header, context_tokens) + OVERHEAD_BYTES
