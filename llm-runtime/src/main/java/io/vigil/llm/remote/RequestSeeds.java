package io.vigil.llm.remote;

/**
 * One server seed per request from the generation's seed and the request's number, so that a rerun
 * with the same seed asks the same questions with the same seeds. Non-negative 31-bit values: the one
 * range all three servers accept (llama.cpp reads the seed as unsigned 32-bit, with 0xFFFFFFFF
 * meaning "random").
 */
final class RequestSeeds {
  private RequestSeeds() {}

  static int of(long seed, long request) {
    long z = seed + (request + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return (int) (z & 0x7fffffffL);
  }
}
