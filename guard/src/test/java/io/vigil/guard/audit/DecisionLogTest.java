package io.vigil.guard.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.guard.policy.ActivePolicy;
import io.vigil.guard.policy.PolicyRegistry;
import io.vigil.guard.session.CheckOutcome;
import io.vigil.solver.decision.Decision;
import io.vigil.solver.trace.Event;
import io.vigil.solver.value.Value;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decision log's lines: whole, in order, none lost when its thread lags or its target fails. */
class DecisionLogTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static PolicyRegistry policies;
  private static ActivePolicy policy;

  @BeforeAll
  static void policy(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("shop.vigil"), """
        policy shop
        tool refund(order_id: string, amount: number) -> json
        rule small:
          before refund(_, a)
          require a <= 100
          because "refunds over 100 need a human"
        """);
    policies = PolicyRegistry.open(dir, Duration.ZERO);
    policy = policies.get("shop").orElseThrow();
  }

  @AfterAll
  static void close() {
    policies.close();
  }

  private static CheckOutcome outcome(String session, int n) {
    ObjectNode call = JSON.createObjectNode().put("type", "tool_call").put("id", "c" + n).put("tool", "refund");
    ObjectNode args = call.putObject("args");
    args.put("order_id", "#" + n).put("amount", new java.math.BigDecimal("100.50"));
    args.putArray("tags").add("a\"b").addNull().add(true).add(7L).add(1e300);
    call.put("time", "2026-12-06T10:00:00Z");
    Event.ToolCall toolCall = new Event.ToolCall("c" + n, "refund",
        Map.of("order_id", Value.of("#" + n)), Optional.empty());
    Decision decision = n % 2 == 0 ? Decision.allow()
        : Decision.deny(List.of(new Decision.Violation("small", "refunds over 100 need a human", List.of(n))), Map.of());
    return new CheckOutcome(session, toolCall, call, policy, decision, CheckOutcome.Mode.ENFORCE, false, -1, 3);
  }

  @Test
  void linesFromManyThreadsAreWholeAndEachThreadsLinesInOrder() throws Exception {
    StringWriter out = new StringWriter();
    int threads = 4;
    int each = DecisionLog.MAX_QUEUED; // past the queue's bound: callers write too
    try (DecisionLog log = DecisionLog.to(out, "memory", Duration.ofMillis(5))) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      for (int t = 0; t < threads; t++) {
        String session = "s" + t;
        pool.execute(() -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            return;
          }
          for (int i = 0; i < each; i++) {
            log.write(session + "-" + i, outcome(session, i));
          }
        });
      }
      start.countDown();
      pool.shutdown();
      assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
    }
    String[] lines = out.toString().split("\n");
    assertEquals(threads * each, lines.length, "close writes every queued line");
    int[] next = new int[threads];
    for (String text : lines) {
      JsonNode line = JSON.readTree(text);
      int thread = Integer.parseInt(line.get("session").asText().substring(1));
      int i = next[thread]++;
      assertEquals("s" + thread + "-" + i, line.get("decision_id").asText(), "one thread's lines keep their order");
      assertEquals("#" + i, line.get("call").get("args").get("order_id").asText());
      assertTrue(text.contains("\"amount\":100.50,"), "numbers keep their digits: " + text);
      assertEquals("[\"a\\\"b\",null,true,7,1.0E300]", line.get("call").get("args").get("tags").toString());
      assertEquals(i % 2 == 0 ? "allow" : "deny", line.get("decision").asText());
    }
  }

  @Test
  void aFailedWriteLosesOnlyItsOwnLine() throws Exception {
    FailingWriter out = new FailingWriter();
    try (DecisionLog log = DecisionLog.to(out, "failing", Duration.ZERO)) {
      for (int i = 0; i < 6; i++) {
        out.failNext = i == 2;
        log.write("d" + i, outcome("s", i));
      }
    }
    List<String> ids = new ArrayList<>();
    for (String text : out.text.toString().split("\n")) {
      ids.add(JSON.readTree(text).get("decision_id").asText());
    }
    assertEquals(List.of("d0", "d1", "d3", "d4", "d5"), ids, "every other line is whole and parses");
  }

  @Test
  void aDecisionAfterCloseIsNotWrittenAndDoesNotFail() {
    StringWriter out = new StringWriter();
    DecisionLog log = DecisionLog.to(out, "memory", Duration.ofMillis(5));
    log.write("before", outcome("s", 0));
    log.close();
    log.write("after", outcome("s", 1));
    assertEquals(1, out.toString().split("\n").length);
    assertTrue(out.toString().contains("\"before\""));
  }

  /** A writer whose next write fails, when told to. */
  private static final class FailingWriter extends Writer {
    final StringBuilder text = new StringBuilder();
    boolean failNext;

    @Override
    public void write(char[] chars, int off, int len) throws IOException {
      if (failNext) {
        failNext = false;
        throw new IOException("disk full");
      }
      text.append(chars, off, len);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
