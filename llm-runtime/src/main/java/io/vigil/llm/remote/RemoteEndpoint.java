package io.vigil.llm.remote;

import java.net.URI;
import java.time.Duration;

/**
 * Where a model server listens and how to ask it: the base URI (scheme, host, port; the dialect adds
 * the path), the model name to put in requests (empty: the server's only model), the per-request
 * timeout, and an API key sent as a bearer token (empty: none).
 */
public record RemoteEndpoint(URI baseUri, String model, Duration timeout, String apiKey) {
  public RemoteEndpoint {
    if (baseUri == null || baseUri.getScheme() == null || baseUri.getHost() == null) {
      throw new IllegalArgumentException("a remote endpoint needs an absolute http(s) URI, got " + baseUri);
    }
    if (timeout == null || timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("the request timeout must be positive, got " + timeout);
    }
    model = model == null ? "" : model;
    apiKey = apiKey == null ? "" : apiKey;
  }

  public static RemoteEndpoint of(URI baseUri) {
    return new RemoteEndpoint(baseUri, "", Duration.ofSeconds(30), "");
  }

  public RemoteEndpoint withModel(String model) {
    return new RemoteEndpoint(baseUri, model, timeout, apiKey);
  }

  public RemoteEndpoint withTimeout(Duration timeout) {
    return new RemoteEndpoint(baseUri, model, timeout, apiKey);
  }

  public RemoteEndpoint withApiKey(String apiKey) {
    return new RemoteEndpoint(baseUri, model, timeout, apiKey);
  }

  /** The base URI with {@code path} appended (the base may itself end in a path such as {@code /proxy}). */
  URI resolve(String path) {
    String base = baseUri.toString();
    return URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) + path : base + path);
  }
}
