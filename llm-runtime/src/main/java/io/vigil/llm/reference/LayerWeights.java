package io.vigil.llm.reference;

/** One decoder layer: the two RMSNorm scales, the attention projections and the SwiGLU MLP. */
record LayerWeights(
    float[] inputNorm,
    Linear query,
    Linear key,
    Linear value,
    Linear output,
    float[] postAttentionNorm,
    Linear gate,
    Linear up,
    Linear down) {}
