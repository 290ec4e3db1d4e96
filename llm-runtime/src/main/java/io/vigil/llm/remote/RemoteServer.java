package io.vigil.llm.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One model server spoken to in one dialect: posts a JSON request to the dialect's endpoint and
 * returns the JSON answer, or throws a {@link RemoteServerException} that says what failed. Holds one
 * {@link HttpClient} (its connection pool is what keeps a token-per-request loop cheap); share one
 * instance among the step models and generators that talk to the same server.
 */
public final class RemoteServer {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final int SHOWN_BODY_CHARS = 300;

  private final RemoteEndpoint endpoint;
  private final ServerDialect dialect;
  private final HttpClient client;

  public RemoteServer(RemoteEndpoint endpoint, ServerDialect dialect) {
    this(endpoint, dialect, HttpClient.newBuilder()
        // the three servers speak HTTP/1.1; skipping the h2c upgrade attempt saves a round trip
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(endpoint.timeout().compareTo(Duration.ofSeconds(10)) < 0 ? endpoint.timeout() : Duration.ofSeconds(10))
        .build());
  }

  public RemoteServer(RemoteEndpoint endpoint, ServerDialect dialect, HttpClient client) {
    this.endpoint = endpoint;
    this.dialect = dialect;
    this.client = client;
  }

  public RemoteEndpoint endpoint() {
    return endpoint;
  }

  public ServerDialect dialect() {
    return dialect;
  }

  /** A step model for exact token-by-token decoding with this server; see {@link RemoteStepModel}. */
  public RemoteStepModel stepModel(int vocabSize) {
    return new RemoteStepModel(this, vocabSize);
  }

  /** Posts {@code body} (the dialect adds the model name) to the dialect's endpoint. */
  JsonNode post(ObjectNode body) {
    if (!endpoint.model().isEmpty()) {
      dialect.putModel(body, endpoint.model());
    }
    String where = dialect.name() + " server at " + endpoint.resolve(dialect.path());
    byte[] payload;
    try {
      payload = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a request to the " + where, e);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.resolve(dialect.path()))
        .timeout(endpoint.timeout())
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
    if (!endpoint.apiKey().isEmpty()) {
      request.header("Authorization", "Bearer " + endpoint.apiKey());
    }
    HttpResponse<byte[]> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new RemoteServerException.Timeout("the " + where + " did not answer within "
          + endpoint.timeout().toMillis() + " ms", e);
    } catch (ConnectException e) {
      throw new RemoteServerException.Unreachable("cannot connect to the " + where + ": " + e, e);
    } catch (IOException e) {
      throw new RemoteServerException.Unreachable("the connection to the " + where + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RemoteServerException("interrupted while waiting for the " + where, e);
    }
    String text = new String(response.body(), StandardCharsets.UTF_8);
    if (response.statusCode() != 200) {
      throw new RemoteServerException.HttpStatus(response.statusCode(), "the " + where + " answered HTTP "
          + response.statusCode() + ": " + errorMessage(text));
    }
    try {
      JsonNode node = JSON.readTree(text);
      if (node == null || !node.isObject()) {
        throw new RemoteServerException.BadResponse("the " + where + " answered with JSON that is not an object: "
            + shorten(text), null);
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new RemoteServerException.BadResponse("the " + where + " answered with a body that is not JSON: "
          + shorten(text), e);
    }
  }

  /** The server's own error message when the body has one ({@code error.message} or {@code message}), else the body. */
  private static String errorMessage(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      if (node != null) {
        JsonNode message = node.path("error").path("message");
        if (message.isTextual()) {
          return message.asText();
        }
        if (node.path("error").isTextual()) {
          return node.path("error").asText();
        }
        if (node.path("message").isTextual()) {
          return node.path("message").asText();
        }
      }
    } catch (JsonProcessingException e) {
      // not JSON: show the body itself
    }
    return shorten(body);
  }

  private static String shorten(String text) {
    return text.length() <= SHOWN_BODY_CHARS ? text : text.substring(0, SHOWN_BODY_CHARS) + "...";
  }
}
