package io.vigil.llm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vigil.llm.spi.DecodeSession;
import io.vigil.llm.spi.LogitsBackend;
import io.vigil.llm.spi.TokenizerView;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A FAKE of the GPU model servers (vLLM, llama.cpp's server, SGLang) for tests on machines without a
 * GPU: a local HTTP server that speaks their native completion endpoints with token-id prompts. Tokens
 * come from a pluggable {@link LogitsBackend} sampled the way the servers sample; JSON-Schema-
 * constrained output comes from a {@link FakeCallWriter}. It checks requests strictly: a field it does
 * not know, or of the wrong type, is answered 400 in the dialect's error shape, so a client that
 * drifts from the documented API fails here. It is not the servers: it implements only the fields
 * below, from their API documentation, and was never compared with a running server here.
 *
 * <p>vLLM {@code POST /v1/completions}. Request: {@code model, prompt} (token ids only),
 * {@code max_tokens, temperature, top_p, top_k} (-1/0 only), {@code min_p} (0 only),
 * {@code repetition_penalty} (1 only), {@code seed, n} (1), {@code stream} (false),
 * {@code logprobs} (0..20), {@code return_tokens_as_token_ids, return_token_ids, allowed_token_ids,
 * logit_bias} (clamped to [-100, 100]), {@code stop_token_ids, skip_special_tokens,
 * structured_outputs.{json, choice}}. Response: {@code id, object, created, model,
 * choices[0].{index, text, logprobs.{text_offset, token_logprobs, tokens, top_logprobs}, finish_reason,
 * stop_reason, token_ids}, usage.{prompt_tokens, completion_tokens, total_tokens}}; errors
 * {@code {object: "error", message, type, param, code}}.
 *
 * <p>llama.cpp {@code POST /completion}. Request: {@code model, prompt} (token ids only),
 * {@code n_predict, temperature, top_p, top_k} (0 only: the server's default 40 is not implemented),
 * {@code min_p} (0 only), {@code seed, n_probs, return_tokens, cache_prompt, stream} (false),
 * {@code logit_bias} ({@code [[id, bias|false], ...]}), {@code json_schema}. Response:
 * {@code content, tokens, id_slot, stop, model, tokens_predicted, tokens_evaluated, tokens_cached,
 * stop_type, stopping_word, truncated, has_new_line, completion_probabilities[].{id, token, bytes,
 * logprob, top_logprobs}}; errors {@code {error: {code, message, type}}}.
 *
 * <p>SGLang {@code POST /generate}. Request: {@code input_ids, sampling_params, return_logprob,
 * logprob_start_len, top_logprobs_num, stream} (false), {@code rid}; {@code sampling_params.{
 * max_new_tokens, temperature, top_p, top_k} (-1 only), {@code min_p} (0 only), {@code logit_bias,
 * sampling_seed, json_schema} (a JSON string), {@code stop_token_ids, skip_special_tokens}}.
 * Response: {@code text, output_ids, meta_info.{id, finish_reason, prompt_tokens, completion_tokens,
 * cached_tokens, output_token_logprobs} ([logprob, id, null] triples)}; errors
 * {@code {error: {message}}}.
 *
 * <p>The end-of-turn token of the tokenizer plays the model's end-of-sequence token.
 */
public final class FakeOpenAiCompatibleServer implements AutoCloseable {
  /** A misbehaviour to show on the next request (queued, one per request). */
  public enum Fault {
    /** None: answers normally (queued before another fault to hit a later request). */
    NONE,
    /** HTTP 500 with the dialect's error body. */
    HTTP_500,
    /** HTTP 200 whose body is not JSON. */
    GARBAGE_JSON,
    /** No answer until the hang time passes. */
    HANG,
    /** Samples a token the request's mask or bans exclude, as a server that ignores them would. */
    IGNORE_CONSTRAINT,
    /** A well-formed answer without any field that carries the token id. */
    NO_TOKEN_ID
  }

  /** A request as received; kept as bytes because a ban list can be megabytes once parsed. */
  public record Captured(String path, byte[] raw) {
    public JsonNode body() {
      try {
        return JSON.readTree(raw);
      } catch (IOException e) {
        return NODES.textNode(new String(raw, StandardCharsets.UTF_8));
      }
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final int CAPTURED_KEPT = 16;

  private final TokenizerView tokenizer;
  private volatile LogitsBackend logits;
  private volatile FakeCallWriter calls;
  private final HttpServer http;
  private final ExecutorService executor;
  private final Deque<Fault> faults = new ConcurrentLinkedDeque<>();
  private final Deque<Captured> captured = new ArrayDeque<>();
  private final AtomicLong requests = new AtomicLong();
  private volatile Duration hang = Duration.ofSeconds(5);
  private final Object modelLock = new Object();
  private DecodeSession session;
  private int[] cached = new int[0];

  public FakeOpenAiCompatibleServer(TokenizerView tokenizer, LogitsBackend logits, FakeCallWriter calls) {
    if (logits.vocabSize() != tokenizer.vocabSize()) {
      throw new IllegalArgumentException("the fake model's vocabulary (" + logits.vocabSize()
          + ") differs from the tokenizer's (" + tokenizer.vocabSize() + ")");
    }
    this.tokenizer = tokenizer;
    this.logits = logits;
    this.calls = calls;
    // without TCP_NODELAY the JDK server's small writes meet the client's delayed ACK: ~40 ms a request
    System.setProperty("sun.net.httpserver.nodelay", "true");
    try {
      http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException("cannot open the fake server's port", e);
    }
    executor = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "fake-model-server");
      thread.setDaemon(true);
      return thread;
    });
    http.setExecutor(executor);
    http.createContext("/v1/completions", exchange -> handle(exchange, new Vllm()));
    http.createContext("/completion", exchange -> handle(exchange, new LlamaCpp()));
    http.createContext("/generate", exchange -> handle(exchange, new Sglang()));
    http.start();
  }

  public URI baseUri() {
    return URI.create("http://" + http.getAddress().getHostString() + ":" + http.getAddress().getPort());
  }

  /** The last requests (at most 16), oldest first. */
  public List<Captured> requests() {
    synchronized (captured) {
      return new ArrayList<>(captured);
    }
  }

  public Captured lastRequest() {
    synchronized (captured) {
      if (captured.isEmpty()) {
        throw new IllegalStateException("the fake server has received no request");
      }
      return captured.getLast();
    }
  }

  public long requestCount() {
    return requests.get();
  }

  /** Forgets the captured requests and any queued faults. */
  public void reset() {
    faults.clear();
    synchronized (captured) {
      captured.clear();
    }
  }

  public void inject(Fault... next) {
    faults.addAll(Arrays.asList(next));
  }

  /**
   * Serves another model from the next request on (one server and one HTTP client can then run many
   * seeds and scenarios); the prefix cache starts empty.
   */
  public void useModel(LogitsBackend model, FakeCallWriter writer) {
    if (model.vocabSize() != tokenizer.vocabSize()) {
      throw new IllegalArgumentException("the fake model's vocabulary (" + model.vocabSize()
          + ") differs from the tokenizer's (" + tokenizer.vocabSize() + ")");
    }
    synchronized (modelLock) {
      if (session != null) {
        session.close();
        session = null;
      }
      cached = new int[0];
      logits = model;
      calls = writer;
    }
  }

  public void hangFor(Duration duration) {
    hang = duration;
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
    synchronized (modelLock) {
      if (session != null) {
        session.close();
      }
    }
  }

  // ---- one request ----

  /** A request the fake refuses, answered 400 with the message. */
  private static final class BadRequest extends RuntimeException {
    BadRequest(String message) {
      super(message);
    }
  }

  /** What all three dialects ask for, once their fields are read. */
  private record Ask(int[] prompt, BitSet allowed, Map<Integer, Double> bias, double temperature, double topP,
      long seed, int maxTokens, Set<Integer> stopIds, JsonNode schema, List<String> choice, boolean skipSpecial) {}

  private record Output(int[] ids, double[] logprobs, String text, boolean stopped, int stopId) {}

  /** The request fields and the answer shapes of one server. */
  private interface Dialect {
    Ask read(JsonNode body);

    ObjectNode answer(JsonNode body, Ask ask, Output output, boolean withoutIds);

    ObjectNode error(int status, String message);
  }

  private void handle(HttpExchange exchange, Dialect dialect) throws IOException {
    try (exchange) {
      requests.incrementAndGet();
      byte[] raw = exchange.getRequestBody().readAllBytes();
      if (!"POST".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, dialect.error(405, "method not allowed").toString());
        return;
      }
      record(exchange, raw);
      JsonNode body;
      try {
        body = JSON.readTree(raw);
      } catch (IOException e) {
        respond(exchange, 400, dialect.error(400, "the request body is not JSON: " + e.getMessage()).toString());
        return;
      }
      Fault fault = faults.poll();
      if (fault == Fault.HANG) {
        sleep(hang);
        respond(exchange, 503, dialect.error(503, "the fake hung on purpose").toString());
        return;
      }
      if (fault == Fault.HTTP_500) {
        respond(exchange, 500, dialect.error(500, "CUDA error: an illegal memory access was encountered (fake)").toString());
        return;
      }
      if (fault == Fault.GARBAGE_JSON) {
        respond(exchange, 200, "<html><body>502 Bad Gateway</body></html>{\"choices\": [");
        return;
      }
      try {
        if (body == null || !body.isObject()) {
          throw new BadRequest("the request body must be a JSON object");
        }
        Ask ask = dialect.read(body);
        Output output = run(ask, fault == Fault.IGNORE_CONSTRAINT);
        respond(exchange, 200, dialect.answer(body, ask, output, fault == Fault.NO_TOKEN_ID).toString());
      } catch (BadRequest e) {
        respond(exchange, 400, dialect.error(400, e.getMessage()).toString());
      } catch (RuntimeException e) {
        respond(exchange, 500, dialect.error(500, "fake server failure: " + e).toString());
      }
    }
  }

  private void record(HttpExchange exchange, byte[] raw) {
    synchronized (captured) {
      captured.addLast(new Captured(exchange.getRequestURI().getPath(), raw));
      while (captured.size() > CAPTURED_KEPT) {
        captured.removeFirst();
      }
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Output run(Ask ask, boolean ignoreConstraint) {
    if (ask.schema() != null || ask.choice() != null) {
      String text = ask.schema() != null ? calls.write(ask.schema(), ask.seed()) : calls.choose(ask.choice(), ask.seed());
      int[] ids = tokenizer.encodeOrdinary(text);
      boolean complete = ids.length <= ask.maxTokens();
      if (!complete) {
        ids = Arrays.copyOf(ids, ask.maxTokens());
        text = tokenizer.decode(ids);
      }
      return new Output(ids, new double[ids.length], text, complete, tokenizer.specials().endOfTurn());
    }
    int endOfSequence = tokenizer.specials().endOfTurn();
    int[] sequence = Arrays.copyOf(ask.prompt(), ask.prompt().length + ask.maxTokens());
    int length = ask.prompt().length;
    List<Integer> out = new ArrayList<>();
    List<Double> logprobs = new ArrayList<>();
    boolean stopped = false;
    int stopId = -1;
    for (int i = 0; i < ask.maxTokens(); i++) {
      float[] scores = logitsAfter(Arrays.copyOf(sequence, length));
      FakeTokenSampler.Sample sample = ignoreConstraint && i == 0
          ? new FakeTokenSampler.Sample(excluded(ask), 0)
          : FakeTokenSampler.sample(scores, ask.allowed(), ask.bias(), ask.temperature(), ask.topP(), ask.seed() + i);
      sequence[length++] = sample.id();
      out.add(sample.id());
      logprobs.add(sample.logprob());
      if (sample.id() == endOfSequence || ask.stopIds().contains(sample.id())) {
        stopped = true;
        stopId = sample.id();
        break;
      }
    }
    int[] ids = out.stream().mapToInt(Integer::intValue).toArray();
    int[] shown = ask.skipSpecial() ? Arrays.stream(ids).filter(id -> !tokenizer.isSpecial(id)).toArray() : ids;
    return new Output(ids, logprobs.stream().mapToDouble(Double::doubleValue).toArray(), tokenizer.decode(shown),
        stopped, stopId);
  }

  /** A token the request excludes: outside the allow list, else the most strongly banned. */
  private int excluded(Ask ask) {
    if (ask.allowed() != null) {
      int id = ask.allowed().nextClearBit(0);
      if (id < tokenizer.vocabSize()) {
        return id;
      }
    }
    int worst = -1;
    for (Map.Entry<Integer, Double> bias : ask.bias().entrySet()) {
      if (worst < 0 || bias.getValue() < ask.bias().get(worst)) {
        worst = bias.getKey();
      }
    }
    if (worst < 0) {
      throw new BadRequest("the fake was told to ignore a constraint, but the request has none");
    }
    return worst;
  }

  /** Logits after {@code sequence}, reusing the common prefix of the previous request like a prefix cache. */
  private float[] logitsAfter(int[] sequence) {
    synchronized (modelLock) {
      int common = 0;
      while (common < cached.length && common < sequence.length && cached[common] == sequence[common]) {
        common++;
      }
      common = Math.min(common, sequence.length - 1);
      if (session == null || common == 0) {
        if (session != null) {
          session.close();
        }
        session = logits.open();
        common = 0;
      } else {
        session.rewind(common);
      }
      float[] scores = session.append(Arrays.copyOfRange(sequence, common, sequence.length));
      cached = sequence.clone();
      return scores;
    }
  }

  // ---- field readers shared by the dialects ----

  private static void onlyKnown(JsonNode body, Set<String> known, String where) {
    Iterator<String> names = body.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new BadRequest(where + ": unexpected field '" + name + "'");
      }
    }
  }

  private int[] tokenIds(JsonNode node, String field, boolean required) {
    if (node.isMissingNode() || node.isNull()) {
      if (required) {
        throw new BadRequest(field + " is required (this fake takes token ids only)");
      }
      return null;
    }
    if (!node.isArray() || node.size() == 0) {
      throw new BadRequest(field + " must be a non-empty list of token ids (this fake takes token ids only), got "
          + kind(node));
    }
    int[] ids = new int[node.size()];
    for (int i = 0; i < ids.length; i++) {
      JsonNode id = node.get(i);
      if (!id.isIntegralNumber() || id.asLong() < 0 || id.asLong() >= tokenizer.vocabSize()) {
        throw new BadRequest(field + "[" + i + "] = " + id + " is not a token id of a vocabulary of "
            + tokenizer.vocabSize());
      }
      ids[i] = id.asInt();
    }
    return ids;
  }

  private static double number(JsonNode node, String field, double otherwise, double min, double max) {
    if (node.isMissingNode() || node.isNull()) {
      return otherwise;
    }
    if (!node.isNumber() || node.asDouble() < min || node.asDouble() > max) {
      throw new BadRequest(field + " must be a number in [" + min + ", " + max + "], got " + node);
    }
    return node.asDouble();
  }

  private static long integer(JsonNode node, String field, long otherwise, long min, long max) {
    if (node.isMissingNode() || node.isNull()) {
      return otherwise;
    }
    if (!node.isIntegralNumber() || node.asLong() < min || node.asLong() > max) {
      throw new BadRequest(field + " must be an integer in [" + min + ", " + max + "], got " + node);
    }
    return node.asLong();
  }

  private static boolean bool(JsonNode node, String field, boolean otherwise) {
    if (node.isMissingNode() || node.isNull()) {
      return otherwise;
    }
    if (!node.isBoolean()) {
      throw new BadRequest(field + " must be a boolean, got " + node);
    }
    return node.asBoolean();
  }

  /** {@code {"<id>": bias}} as vLLM and SGLang take it. */
  private Map<Integer, Double> biasObject(JsonNode node, String field, double clamp) {
    Map<Integer, Double> bias = new HashMap<>();
    if (node.isMissingNode() || node.isNull()) {
      return bias;
    }
    if (!node.isObject()) {
      throw new BadRequest(field + " must be an object of token id to bias, got " + kind(node));
    }
    Iterator<Map.Entry<String, JsonNode>> entries = node.fields();
    while (entries.hasNext()) {
      Map.Entry<String, JsonNode> entry = entries.next();
      int id;
      try {
        id = Integer.parseInt(entry.getKey());
      } catch (NumberFormatException e) {
        throw new BadRequest(field + " has a key that is not a token id: '" + entry.getKey() + "'");
      }
      if (id < 0 || id >= tokenizer.vocabSize()) {
        throw new BadRequest(field + " has token id " + id + " outside the vocabulary of " + tokenizer.vocabSize());
      }
      if (!entry.getValue().isNumber()) {
        throw new BadRequest(field + "[\"" + id + "\"] must be a number, got " + entry.getValue());
      }
      bias.put(id, Math.max(-clamp, Math.min(clamp, entry.getValue().asDouble())));
    }
    return bias;
  }

  private Set<Integer> stopIds(JsonNode node, String field) {
    int[] ids = node.isArray() && node.size() == 0 ? new int[0] : tokenIds(node, field, false);
    Set<Integer> stop = new HashSet<>();
    if (ids != null) {
      Arrays.stream(ids).forEach(stop::add);
    }
    return stop;
  }

  private static String kind(JsonNode node) {
    return node.getNodeType().name().toLowerCase();
  }

  private static JsonNode schemaOf(JsonNode node, String field, boolean textOnly) {
    if (node.isTextual()) {
      try {
        JsonNode parsed = JSON.readTree(node.asText());
        if (parsed != null && parsed.isObject()) {
          return parsed;
        }
      } catch (IOException e) {
        // reported below
      }
      throw new BadRequest(field + " is not a JSON Schema object: " + node.asText());
    }
    if (!textOnly && node.isObject()) {
      return node;
    }
    throw new BadRequest(field + " must be " + (textOnly ? "a string holding a JSON Schema" : "a JSON Schema object")
        + ", got " + kind(node));
  }

  private String tokenText(int id) {
    return tokenizer.decode(new int[] {id});
  }

  // ---- vLLM ----

  private final class Vllm implements Dialect {
    private final Set<String> known = Set.of("model", "prompt", "max_tokens", "temperature", "top_p", "top_k",
        "min_p", "repetition_penalty", "seed", "n", "stream", "logprobs", "return_tokens_as_token_ids",
        "return_token_ids", "allowed_token_ids", "logit_bias", "stop_token_ids", "skip_special_tokens",
        "structured_outputs");

    @Override
    public Ask read(JsonNode body) {
      onlyKnown(body, known, "vLLM completion request");
      int[] prompt = tokenIds(body.path("prompt"), "prompt", true);
      int maxTokens = (int) integer(body.path("max_tokens"), "max_tokens", 16, 1, 4096);
      double temperature = number(body.path("temperature"), "temperature", 1.0, 0, 100);
      double topP = number(body.path("top_p"), "top_p", 1.0, 1e-9, 1);
      long topK = integer(body.path("top_k"), "top_k", -1, -1, Integer.MAX_VALUE);
      if (topK > 0) {
        throw new BadRequest("this fake does not implement top_k sampling: send -1 or 0");
      }
      if (number(body.path("min_p"), "min_p", 0, 0, 1) != 0
          || number(body.path("repetition_penalty"), "repetition_penalty", 1, 0, 2) != 1) {
        throw new BadRequest("this fake does not implement min_p or repetition_penalty: send 0 and 1");
      }
      long seed = integer(body.path("seed"), "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
      if (integer(body.path("n"), "n", 1, 1, 1) != 1 || bool(body.path("stream"), "stream", false)) {
        throw new BadRequest("this fake answers n = 1 without streaming only");
      }
      integer(body.path("logprobs"), "logprobs", 0, 0, 20);
      bool(body.path("return_tokens_as_token_ids"), "return_tokens_as_token_ids", false);
      bool(body.path("return_token_ids"), "return_token_ids", false);
      BitSet allowed = null;
      int[] allowList = tokenIds(body.path("allowed_token_ids"), "allowed_token_ids", false);
      if (allowList != null) {
        allowed = new BitSet(tokenizer.vocabSize());
        for (int id : allowList) {
          allowed.set(id);
        }
      }
      Map<Integer, Double> bias = biasObject(body.path("logit_bias"), "logit_bias", 100.0);
      JsonNode schema = null;
      List<String> choice = null;
      JsonNode structured = body.path("structured_outputs");
      if (!structured.isMissingNode() && !structured.isNull()) {
        if (!structured.isObject() || structured.size() != 1) {
          throw new BadRequest("structured_outputs must be an object with exactly one of json, regex, choice, "
              + "grammar, structural_tag");
        }
        String kind = structured.fieldNames().next();
        if (kind.equals("json")) {
          schema = schemaOf(structured.get("json"), "structured_outputs.json", false);
        } else if (kind.equals("choice")) {
          choice = new ArrayList<>();
          for (JsonNode option : structured.get("choice")) {
            choice.add(option.asText());
          }
        } else if (Set.of("regex", "grammar", "structural_tag").contains(kind)) {
          throw new BadRequest("this fake interprets structured_outputs.json and .choice only, not ." + kind);
        } else {
          throw new BadRequest("structured_outputs has no field '" + kind + "'");
        }
      }
      return new Ask(prompt, allowed, bias, temperature, topP, seed, maxTokens,
          stopIds(body.path("stop_token_ids"), "stop_token_ids"), schema, choice,
          bool(body.path("skip_special_tokens"), "skip_special_tokens", true));
    }

    @Override
    public ObjectNode answer(JsonNode body, Ask ask, Output output, boolean withoutIds) {
      ObjectNode answer = NODES.objectNode();
      answer.put("id", "cmpl-fake-" + requests.get());
      answer.put("object", "text_completion");
      answer.put("created", System.currentTimeMillis() / 1000);
      answer.put("model", body.path("model").asText("fake-model"));
      ObjectNode choice = answer.putArray("choices").addObject();
      choice.put("index", 0);
      choice.put("text", output.text());
      if (body.path("logprobs").asInt(0) > 0 && !withoutIds) {
        boolean asIds = body.path("return_tokens_as_token_ids").asBoolean(false);
        ObjectNode logprobs = choice.putObject("logprobs");
        ArrayNode offsets = logprobs.putArray("text_offset");
        ArrayNode values = logprobs.putArray("token_logprobs");
        ArrayNode tokens = logprobs.putArray("tokens");
        ArrayNode top = logprobs.putArray("top_logprobs");
        int offset = 0;
        for (int i = 0; i < output.ids().length; i++) {
          String token = asIds ? "token_id:" + output.ids()[i] : tokenText(output.ids()[i]);
          offsets.add(offset);
          offset += tokenText(output.ids()[i]).length();
          values.add(output.logprobs()[i]);
          tokens.add(token);
          top.addObject().put(token, output.logprobs()[i]);
        }
      } else {
        choice.putNull("logprobs");
      }
      choice.put("finish_reason", output.stopped() ? "stop" : "length");
      choice.putNull("stop_reason");
      if (body.path("return_token_ids").asBoolean(false) && !withoutIds) {
        choice.set("token_ids", ids(output.ids()));
      }
      ObjectNode usage = answer.putObject("usage");
      usage.put("prompt_tokens", ask.prompt().length);
      usage.put("completion_tokens", output.ids().length);
      usage.put("total_tokens", ask.prompt().length + output.ids().length);
      return answer;
    }

    @Override
    public ObjectNode error(int status, String message) {
      ObjectNode error = NODES.objectNode();
      error.put("object", "error");
      error.put("message", message);
      error.put("type", status == 400 ? "BadRequestError" : "InternalServerError");
      error.putNull("param");
      error.put("code", status);
      return error;
    }
  }

  // ---- llama.cpp ----

  private final class LlamaCpp implements Dialect {
    private final Set<String> known = Set.of("model", "prompt", "n_predict", "temperature", "top_p", "top_k",
        "min_p", "seed", "n_probs", "return_tokens", "cache_prompt", "stream", "logit_bias", "json_schema",
        "grammar");

    @Override
    public Ask read(JsonNode body) {
      onlyKnown(body, known, "llama.cpp completion request");
      int[] prompt = tokenIds(body.path("prompt"), "prompt", true);
      long predict = integer(body.path("n_predict"), "n_predict", -1, -1, 4096);
      int maxTokens = predict < 0 ? 512 : (int) predict;
      if (maxTokens == 0) {
        throw new BadRequest("this fake does not evaluate prompts without predicting (n_predict 0)");
      }
      double temperature = number(body.path("temperature"), "temperature", 0.8, -1, 100);
      double topP = number(body.path("top_p"), "top_p", 0.95, 0, 1);
      if (body.path("top_k").isMissingNode() || integer(body.path("top_k"), "top_k", 40, -1, Integer.MAX_VALUE) > 0) {
        throw new BadRequest("this fake does not implement top_k sampling (the server's default is 40): send top_k 0");
      }
      if (body.path("min_p").isMissingNode() || number(body.path("min_p"), "min_p", 0.05, 0, 1) != 0) {
        throw new BadRequest("this fake does not implement min_p sampling (the server's default is 0.05): send min_p 0");
      }
      long seed = integer(body.path("seed"), "seed", 0xFFFFFFFFL, -1, 0xFFFFFFFFL);
      integer(body.path("n_probs"), "n_probs", 0, 0, 100);
      bool(body.path("return_tokens"), "return_tokens", false);
      bool(body.path("cache_prompt"), "cache_prompt", true);
      if (bool(body.path("stream"), "stream", false)) {
        throw new BadRequest("this fake does not stream");
      }
      Map<Integer, Double> bias = new HashMap<>();
      JsonNode pairs = body.path("logit_bias");
      if (!pairs.isMissingNode() && !pairs.isNull()) {
        if (!pairs.isArray()) {
          throw new BadRequest("logit_bias must be a list of [token id, bias or false] pairs (the form this fake "
              + "reads), got " + kind(pairs));
        }
        for (JsonNode pair : pairs) {
          if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isIntegralNumber()
              || !(pair.get(1).isNumber() || pair.get(1).isBoolean())) {
            throw new BadRequest("logit_bias entries must be [token id, bias or false], got " + pair);
          }
          int id = pair.get(0).asInt();
          if (id < 0 || id >= tokenizer.vocabSize()) {
            throw new BadRequest("logit_bias names token " + id + " outside the vocabulary");
          }
          bias.put(id, pair.get(1).isBoolean()
              ? (pair.get(1).asBoolean() ? 0.0 : Double.NEGATIVE_INFINITY)
              : pair.get(1).asDouble());
        }
      }
      JsonNode schema = null;
      if (!body.path("json_schema").isMissingNode()) {
        schema = schemaOf(body.path("json_schema"), "json_schema", false);
      }
      if (!body.path("grammar").isMissingNode()) {
        throw new BadRequest("this fake interprets json_schema only, not grammar");
      }
      return new Ask(prompt, null, bias, Math.max(0, temperature), topP == 0 ? 1 : topP, seed, maxTokens,
          Set.of(), schema, null, true);
    }

    @Override
    public ObjectNode answer(JsonNode body, Ask ask, Output output, boolean withoutIds) {
      ObjectNode answer = NODES.objectNode();
      answer.put("index", 0);
      answer.put("content", output.text());
      answer.set("tokens", body.path("return_tokens").asBoolean(false) && !withoutIds ? ids(output.ids()) : NODES.arrayNode());
      answer.put("id_slot", 0);
      answer.put("stop", true);
      answer.put("model", body.path("model").asText("fake-model.gguf"));
      answer.put("tokens_predicted", output.ids().length);
      answer.put("tokens_evaluated", ask.prompt().length);
      answer.put("tokens_cached", ask.prompt().length + output.ids().length - 1);
      answer.put("truncated", false);
      answer.put("has_new_line", output.text().contains("\n"));
      answer.put("stop_type", output.stopped() ? "eos" : "limit");
      answer.put("stopping_word", "");
      if (body.path("n_probs").asInt(0) > 0 && !withoutIds) {
        ArrayNode probabilities = answer.putArray("completion_probabilities");
        for (int i = 0; i < output.ids().length; i++) {
          ObjectNode entry = probabilities.addObject();
          entry.put("id", output.ids()[i]);
          entry.put("token", tokenText(output.ids()[i]));
          ArrayNode bytes = entry.putArray("bytes");
          for (byte b : tokenizer.tokenBytes(output.ids()[i])) {
            bytes.add(b & 0xff);
          }
          entry.put("logprob", output.logprobs()[i]);
          ObjectNode top = entry.putArray("top_logprobs").addObject();
          top.put("id", output.ids()[i]);
          top.put("token", tokenText(output.ids()[i]));
          top.put("logprob", output.logprobs()[i]);
        }
      }
      return answer;
    }

    @Override
    public ObjectNode error(int status, String message) {
      ObjectNode error = NODES.objectNode();
      ObjectNode inner = error.putObject("error");
      inner.put("code", status);
      inner.put("message", message);
      inner.put("type", status == 400 ? "invalid_request_error" : "server_error");
      return error;
    }
  }

  // ---- SGLang ----

  private final class Sglang implements Dialect {
    private final Set<String> known = Set.of("input_ids", "sampling_params", "return_logprob", "logprob_start_len",
        "top_logprobs_num", "stream", "rid");
    private final Set<String> knownSampling = Set.of("max_new_tokens", "temperature", "top_p", "top_k", "min_p",
        "logit_bias", "sampling_seed", "json_schema", "regex", "ebnf", "stop_token_ids", "skip_special_tokens");

    @Override
    public Ask read(JsonNode body) {
      // SGLang builds dataclasses from these objects: an unknown field is an error, not ignored
      onlyKnown(body, known, "SGLang GenerateReqInput");
      int[] prompt = tokenIds(body.path("input_ids"), "input_ids", true);
      JsonNode sampling = body.path("sampling_params");
      if (!sampling.isObject()) {
        sampling = NODES.objectNode();
      }
      onlyKnown(sampling, knownSampling, "SGLang SamplingParams");
      int maxTokens = (int) integer(sampling.path("max_new_tokens"), "max_new_tokens", 128, 1, 4096);
      double temperature = number(sampling.path("temperature"), "temperature", 1.0, 0, 100);
      double topP = number(sampling.path("top_p"), "top_p", 1.0, 1e-9, 1);
      if (integer(sampling.path("top_k"), "top_k", -1, -1, Integer.MAX_VALUE) != -1
          || number(sampling.path("min_p"), "min_p", 0, 0, 1) != 0) {
        throw new BadRequest("this fake does not implement top_k or min_p: send -1 and 0");
      }
      long seed = integer(sampling.path("sampling_seed"), "sampling_seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
      bool(body.path("return_logprob"), "return_logprob", false);
      if (bool(body.path("stream"), "stream", false)) {
        throw new BadRequest("this fake does not stream");
      }
      Map<Integer, Double> bias = biasObject(sampling.path("logit_bias"), "logit_bias", Double.MAX_VALUE);
      JsonNode schema = null;
      if (!sampling.path("json_schema").isMissingNode()) {
        schema = schemaOf(sampling.path("json_schema"), "json_schema", true);
      }
      if (!sampling.path("regex").isMissingNode() || !sampling.path("ebnf").isMissingNode()) {
        throw new BadRequest("this fake interprets json_schema only, not regex or ebnf");
      }
      return new Ask(prompt, null, bias, temperature, topP, seed, maxTokens,
          stopIds(sampling.path("stop_token_ids"), "stop_token_ids"), schema, null,
          bool(sampling.path("skip_special_tokens"), "skip_special_tokens", true));
    }

    @Override
    public ObjectNode answer(JsonNode body, Ask ask, Output output, boolean withoutIds) {
      ObjectNode answer = NODES.objectNode();
      answer.put("text", output.text());
      if (!withoutIds) {
        answer.set("output_ids", ids(output.ids()));
      }
      ObjectNode meta = answer.putObject("meta_info");
      meta.put("id", "fake-" + requests.get());
      ObjectNode finish = meta.putObject("finish_reason");
      if (output.stopped()) {
        finish.put("type", "stop");
        finish.put("matched", output.stopId());
      } else {
        finish.put("type", "length");
        finish.put("length", output.ids().length);
      }
      meta.put("prompt_tokens", ask.prompt().length);
      meta.put("completion_tokens", output.ids().length);
      meta.put("cached_tokens", Math.max(0, ask.prompt().length - 1));
      if (body.path("return_logprob").asBoolean(false) && !withoutIds) {
        ArrayNode logprobs = meta.putArray("output_token_logprobs");
        for (int i = 0; i < output.ids().length; i++) {
          logprobs.addArray().add(output.logprobs()[i]).add(output.ids()[i]).addNull();
        }
      }
      meta.put("e2e_latency", 0.001);
      return answer;
    }

    @Override
    public ObjectNode error(int status, String message) {
      ObjectNode error = NODES.objectNode();
      error.putObject("error").put("message", message);
      return error;
    }
  }

  private static ArrayNode ids(int[] ids) {
    ArrayNode array = NODES.arrayNode(ids.length);
    for (int id : ids) {
      array.add(id);
    }
    return array;
  }
}
