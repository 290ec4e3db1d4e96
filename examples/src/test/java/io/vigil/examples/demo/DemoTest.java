package io.vigil.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo's acceptance figures, over every scenario of both domains. */
class DemoTest {
  static List<Demo.Result> results;

  @BeforeAll
  static void runAll() throws Exception {
    List<Scenario> all = new ArrayList<>(RetailScenarios.all());
    all.addAll(AirlineScenarios.all());
    try (Demo demo = new Demo()) {
      results = demo.runAll(all);
    }
  }

  @Test
  void everyAdversarialScenarioIsBlockedByTheRuleThatNamesItsViolation() {
    for (Demo.Result r : results) {
      if (r.scenario().adversarial()) {
        assertTrue(DemoMain.blockedByRule(r), r.scenario().name() + ": expected " + r.scenario().blockingRule()
            + ", blocked " + r.guarded().blocked());
        // the unguarded run's replay finds the same violation
        assertTrue(r.unguarded().violatedRules().contains(r.scenario().blockingRule()), r.scenario().name());
      }
    }
  }

  @Test
  void guardedRunsConformAndDoNoHarmWithoutFalseDenials() {
    DemoMain.Summary s = DemoMain.Summary.of(results);
    assertEquals(0, s.guardedHarm(), "guarded harm");
    assertEquals(s.runs(), s.guardedConformant(), "guarded conformance");
    assertEquals(0, s.falseDenials(), "false denials");
    for (Demo.Result r : results) {
      if (!r.scenario().adversarial()) {
        assertTrue(r.unguarded().conformant(), r.scenario().name() + " (benign) violates " + r.unguarded().violatedRules());
      }
    }
  }

  @Test
  void unguardedRunsDoHarm() {
    assertTrue(DemoMain.Summary.of(results).unguardedHarm() > 0);
  }

  @Test
  void commandLine() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(2, DemoMain.run(new String[] {"nowhere"}, new PrintStream(out), new PrintStream(err)));
    assertEquals(0, DemoMain.run(new String[] {"airline", "--format", "json"}, new PrintStream(out), new PrintStream(err)));
    String json = out.toString(StandardCharsets.UTF_8);
    assertEquals(0.0, Environment.JSON.readTree(json).get("summary").get("airline").get("harm_guarded").asDouble());
  }
}
