package io.vigil.llm.reference;

/**
 * Rotary position embedding in the Hugging Face Llama layout: dimension {@code i} of a head is
 * rotated with dimension {@code i + headDim/2} by the angle {@code position * invFreq[i]}.
 * Frequencies are computed in float32 as the reference implementation does.
 */
final class RotaryEmbedding {
  private final int headDim;
  private final float[] inverseFrequencies;

  RotaryEmbedding(ModelConfig config) {
    this.headDim = config.headDim();
    int half = headDim / 2;
    this.inverseFrequencies = new float[half];
    for (int i = 0; i < half; i++) {
      inverseFrequencies[i] = (float) (1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / headDim));
    }
    scale(config.ropeScaling());
  }

  private void scale(ModelConfig.RopeScaling scaling) {
    if (scaling.type().equals("linear")) {
      for (int i = 0; i < inverseFrequencies.length; i++) {
        inverseFrequencies[i] = (float) (inverseFrequencies[i] / scaling.factor());
      }
    } else if (scaling.type().equals("llama3")) {
      // long wavelengths are slowed by the factor, short ones kept, the band between blended
      double lowFreqWavelength = scaling.originalMaxPositions() / scaling.lowFreqFactor();
      double highFreqWavelength = scaling.originalMaxPositions() / scaling.highFreqFactor();
      for (int i = 0; i < inverseFrequencies.length; i++) {
        double frequency = inverseFrequencies[i];
        double wavelength = 2 * Math.PI / frequency;
        double scaled;
        if (wavelength < highFreqWavelength) {
          scaled = frequency;
        } else if (wavelength > lowFreqWavelength) {
          scaled = frequency / scaling.factor();
        } else {
          double smooth = (scaling.originalMaxPositions() / wavelength - scaling.lowFreqFactor())
              / (scaling.highFreqFactor() - scaling.lowFreqFactor());
          scaled = (1 - smooth) * frequency / scaling.factor() + smooth * frequency;
        }
        inverseFrequencies[i] = (float) scaled;
      }
    }
  }

  /** Rotates each of {@code heads} heads stored from {@code offset} in {@code vector} for {@code position}. */
  void apply(float[] vector, int offset, int heads, int position) {
    int half = headDim / 2;
    for (int i = 0; i < half; i++) {
      float angle = position * inverseFrequencies[i];
      float cos = (float) Math.cos(angle);
      float sin = (float) Math.sin(angle);
      for (int h = 0; h < heads; h++) {
        int base = offset + h * headDim;
        float first = vector[base + i];
        float second = vector[base + i + half];
        vector[base + i] = first * cos - second * sin;
        vector[base + i + half] = second * cos + first * sin;
      }
    }
  }
}
