package io.vigil.guard.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.dsl.LoadedPolicy;
import io.vigil.llm.decode.PartialCall;
import io.vigil.solver.PolicyDecider;
import io.vigil.solver.bench.RetailWorkload;
import io.vigil.solver.trace.History;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Latency of each oracle question on the retail policy, unmemoized (a fresh oracle per question):
 * the questions the decoder asks while writing a refund and a cancellation. Prints p50/p99 per
 * question and history, and whether answering it needed Z3; every question is asked {@code rounds}
 * times unmeasured before the measured rounds start (JIT warm-up). Run after {@code mvn -pl guard -am test-compile}:
 * {@code java -cp guard/target/test-classes:guard/target/classes:<guard test classpath>
 * io.vigil.guard.generate.OracleLatencyBench [rounds] [workload session lengths, comma-separated]}.
 */
public final class OracleLatencyBench {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final BigDecimal NOW = new BigDecimal("1715800000");

  private record Question(String name, Consumer<PolicyCallOracle> ask) {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int[] lengths = args.length > 1 ? Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray() : new int[] {50};
    LoadedPolicy retail = RetailTraces.policy();
    try (PolicyDecider decider = new PolicyDecider(retail.policy(), "bench");
         PolicyOracles oracles = new PolicyOracles(decider)) {
      Map<String, History> histories = new LinkedHashMap<>();
      histories.put("refund trace (" + RetailTraces.prefixBeforeLastCall("deny_refund_to_paypal_instead_of_card").size()
          + " events)", RetailTraces.prefixBeforeLastCall("deny_refund_to_paypal_instead_of_card"));
      for (int length : lengths) {
        histories.put("workload session (" + length + " events)", History.of(RetailWorkload.session(7, length).history()));
      }
      // one unmeasured pass over every question first, so that no row pays for the JIT compiling
      // code that later rows share (the first row used to carry most of it)
      for (Map.Entry<String, History> h : histories.entrySet()) {
        String order = h.getKey().startsWith("refund") ? "#W4776164" : lastOrderRead(h.getValue());
        for (Question q : questions(order)) {
          measure(oracles, h.getValue(), q, rounds);
        }
      }
      System.out.printf("%-34s %-44s %10s %10s %10s %6s%n", "history", "question", "p50 ms", "p99 ms", "max ms", "Z3");
      for (Map.Entry<String, History> h : histories.entrySet()) {
        String order = h.getKey().startsWith("refund") ? "#W4776164" : lastOrderRead(h.getValue());
        for (Question q : questions(order)) {
          double[] ms = measure(oracles, h.getValue(), q, rounds);
          PolicyCallOracle probe = oracles.oracle(h.getValue(), NOW);
          q.ask().accept(probe);
          System.out.printf("%-34s %-44s %10.3f %10.3f %10.3f %6s%n", h.getKey(), q.name(),
              percentile(ms, 0.50), percentile(ms, 0.99), ms[ms.length - 1], probe.z3Questions() > 0 ? "yes" : "no");
          System.out.flush();
        }
      }
    }
  }

  private static List<Question> questions(String order) {
    PartialCall anyRefund = partial("return_delivered_order_items", Map.of(), "order_id", "item_ids", "payment_method_id");
    PartialCall refundOfOrder = partial("return_delivered_order_items", Map.of("order_id", JSON.textNode(order)),
        "item_ids", "payment_method_id");
    PartialCall cancelOfOrder = partial("cancel_pending_order", Map.of("order_id", JSON.textNode(order)), "reason");
    ObjectNode groundRead = JSON.objectNode().put("order_id", order);
    ObjectNode groundCancel = JSON.objectNode().put("order_id", order).put("reason", "no longer needed");
    List<Question> out = new ArrayList<>();
    out.add(new Question("completable: tool name (refund, 3 unknown)", o -> o.completable(anyRefund)));
    out.add(new Question("completable: order_id written (refund)", o -> o.completable(refundOfOrder)));
    out.add(new Question("completable: order_id written (cancel)", o -> o.completable(cancelOfOrder)));
    out.add(new Question("allowedValues: refund payment_method_id", o -> o.allowedValues(refundOfOrder, "payment_method_id")));
    out.add(new Question("allowedValues: cancel reason", o -> o.allowedValues(cancelOfOrder, "reason")));
    out.add(new Question("decide: get_order_details", o -> o.decide("get_order_details", groundRead)));
    out.add(new Question("decide: cancel_pending_order", o -> o.decide("cancel_pending_order", groundCancel)));
    // which orders could be cancelled is a question about every order id, also unseen ones: the
    // evaluator and the completion search settle it when a seen order is pending, Z3 otherwise
    PartialCall anyCancel = partial("cancel_pending_order", Map.of(), "order_id", "reason");
    out.add(new Question("completable: tool name (cancel, 2 unknown)", o -> o.completable(anyCancel)));
    return out;
  }

  private static String lastOrderRead(History history) {
    String order = "#W0000000";
    for (var e : history.events()) {
      if (e instanceof io.vigil.solver.trace.Event.ToolCall c && c.tool().equals("get_order_details")) {
        order = io.vigil.solver.value.Json.display(c.args().get("order_id"));
      }
    }
    return order;
  }

  private static PartialCall partial(String tool, Map<String, JsonNode> known, String... unknown) {
    return new PartialCall(tool, known, Set.of(unknown));
  }

  /** Milliseconds per question, sorted; the oracle is built outside the timed part. */
  private static double[] measure(PolicyOracles oracles, History history, Question q, int rounds) {
    int warmup = Math.max(5, rounds / 5);
    double[] ms = new double[rounds];
    for (int i = -warmup; i < rounds; i++) {
      PolicyCallOracle oracle = oracles.oracle(history, NOW);
      long start = System.nanoTime();
      q.ask().accept(oracle);
      long nanos = System.nanoTime() - start;
      if (i >= 0) {
        ms[i] = nanos / 1e6;
      }
    }
    Arrays.sort(ms);
    return ms;
  }

  private static double percentile(double[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }
}
