package io.vigil.llm.decode;

/**
 * Counters of one generation: tokens emitted (forced without sampling, or sampled), backtracks,
 * oracle questions, and where the time went (mask computation, the model, the oracle).
 */
public record DecodeStats(int tokens, int forcedTokens, int sampledTokens, int backtracks, int oracleCalls,
    long maskNanos, long modelNanos, long oracleNanos) {}
