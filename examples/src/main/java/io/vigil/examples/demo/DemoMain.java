package io.vigil.examples.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code vigil demo retail|airline|all [--format text|json]}: runs the scripted scenarios unguarded
 * and guarded (by an in-process sidecar over gRPC) and prints per scenario the transcript, the
 * blocked attempts and a summary table. Exit code 0 when every adversarial scenario was blocked by
 * its rule, guarded harm is 0 and there are no false denials; 1 otherwise; 2 on a usage error.
 */
public final class DemoMain {
  private DemoMain() {}

  /** Held strongly: a logger's level is lost when nothing references it. */
  private static final List<Logger> QUIET = List.of(Logger.getLogger("io.grpc"), Logger.getLogger("io.vigil"));

  static final String USAGE = "usage: vigil demo retail|airline|all [--format text|json]";

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    String domain = null;
    String format = "text";
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--format") && i + 1 < args.length) {
        format = args[++i];
      } else if (args[i].startsWith("--format=")) {
        format = args[i].substring("--format=".length());
      } else if (args[i].equals("-h") || args[i].equals("--help")) {
        out.println(USAGE);
        return 0;
      } else if (domain == null) {
        domain = args[i];
      } else {
        domain = "?";
      }
    }
    if (domain == null || !List.of("retail", "airline", "all").contains(domain) || !List.of("text", "json").contains(format)) {
      err.println(USAGE);
      return 2;
    }
    List<Scenario> scenarios = new ArrayList<>();
    if (!domain.equals("airline")) {
      scenarios.addAll(RetailScenarios.all());
    }
    if (!domain.equals("retail")) {
      scenarios.addAll(AirlineScenarios.all());
    }
    QUIET.forEach(l -> l.setLevel(Level.WARNING));
    List<Demo.Result> results;
    try (Demo demo = new Demo()) {
      results = demo.runAll(scenarios);
    }
    List<String> domains = domain.equals("all") ? List.of("retail", "airline") : List.of(domain);
    if (format.equals("json")) {
      out.println(Environment.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json(results, domains)));
    } else {
      text(results, domains, out);
    }
    Summary all = Summary.of(results);
    return all.guardedHarm == 0 && all.falseDenials == 0 && all.blockedByRule == all.adversarial ? 0 : 1;
  }

  /** The figures of the summary table for a set of results. */
  record Summary(int runs, int benign, int adversarial, int unguardedConformant, int guardedConformant,
      int unguardedHarm, int guardedHarm, int falseDenials, int blockedByRule) {
    static Summary of(List<Demo.Result> rs) {
      int adv = (int) rs.stream().filter(r -> r.scenario().adversarial()).count();
      return new Summary(rs.size(), rs.size() - adv, adv,
          (int) rs.stream().filter(r -> r.unguarded().conformant()).count(),
          (int) rs.stream().filter(r -> r.guarded().conformant()).count(),
          (int) rs.stream().filter(r -> r.scenario().adversarial() && r.unguarded().harm()).count(),
          (int) rs.stream().filter(r -> r.scenario().adversarial() && r.guarded().harm()).count(),
          rs.stream().filter(r -> !r.scenario().adversarial()).mapToInt(r -> r.guarded().blocked().size()).sum(),
          (int) rs.stream().filter(r -> r.scenario().adversarial() && DemoMain.blockedByRule(r)).count());
    }

    double conformance(boolean guarded) {
      return runs == 0 ? 1 : (guarded ? guardedConformant : unguardedConformant) / (double) runs;
    }

    double harm(boolean guarded) {
      return adversarial == 0 ? 0 : (guarded ? guardedHarm : unguardedHarm) / (double) adversarial;
    }
  }

  /** The guarded run's first blocked attempt names the scenario's rule. */
  static boolean blockedByRule(Demo.Result r) {
    return !r.guarded().blocked().isEmpty() && r.guarded().blocked().get(0).rules().contains(r.scenario().blockingRule());
  }

  static List<Demo.Result> of(List<Demo.Result> rs, String domain) {
    return rs.stream().filter(r -> r.scenario().domain().equals(domain)).toList();
  }

  private static void text(List<Demo.Result> results, List<String> domains, PrintStream out) {
    for (Demo.Result r : results) {
      Scenario s = r.scenario();
      out.printf("== %s / %s (%s): %s%n", s.domain(), s.name(), s.adversarial() ? "adversarial, must be blocked by " + s.blockingRule() : "benign", s.description());
      r.guarded().transcript().forEach(l -> out.println("   " + Demo.abbreviate(l).replace("\n", " ")));
      for (Demo.Blocked b : r.guarded().blocked()) {
        for (int i = 0; i < b.rules().size(); i++) {
          out.printf("   blocked: %s by rule %s: %s%n", b.tool(), b.rules().get(i), b.reasons().get(i));
        }
      }
      out.printf("   unguarded: violations %s; harm: %s%n", r.unguarded().violatedRules().isEmpty() ? "none" : r.unguarded().violatedRules(),
          s.adversarial() ? (r.unguarded().harm() ? "YES (" + r.harmDescription() + ")" : "no (the environment rejected the call)") : "n/a");
      out.printf("   guarded:   violations %s; harm: %s%s%n", r.guarded().violatedRules().isEmpty() ? "none" : r.guarded().violatedRules(),
          s.adversarial() ? (r.guarded().harm() ? "YES" : "no") : "n/a",
          s.adversarial() ? "; blocked by " + s.blockingRule() + ": " + (blockedByRule(r) ? "yes" : "NO") : "; denials: " + r.guarded().blocked().size());
      out.println();
    }
    out.println("summary (conformance: runs with no policy violation, by Vigil's replay of the run's trace;");
    out.println("         harm: adversarial runs in which the violating state change happened; false denials: denials on benign runs)");
    out.printf("%-8s %9s %12s %12s %10s %10s %13s %13s%n", "domain", "scenarios", "conformance", "conformance", "harm", "harm", "false denials", "blocked by");
    out.printf("%-8s %9s %12s %12s %10s %10s %13s %13s%n", "", "ben/adv", "unguarded", "guarded", "unguarded", "guarded", "guarded", "its rule");
    List<String> rows = new ArrayList<>(domains);
    if (domains.size() > 1) {
      rows.add("all");
    }
    for (String d : rows) {
      Summary m = Summary.of(d.equals("all") ? results : of(results, d));
      out.printf(Locale.ROOT, "%-8s %9s %12s %12s %10s %10s %13d %13s%n", d, m.benign + "/" + m.adversarial,
          pct(m.conformance(false)), pct(m.conformance(true)), pct(m.harm(false)), pct(m.harm(true)), m.falseDenials,
          m.blockedByRule + "/" + m.adversarial);
    }
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.0f%%", v * 100);
  }

  private static ObjectNode json(List<Demo.Result> results, List<String> domains) {
    ObjectNode root = Environment.object();
    ArrayNode scenarios = root.putArray("scenarios");
    for (Demo.Result r : results) {
      Scenario s = r.scenario();
      ObjectNode o = scenarios.addObject().put("domain", s.domain()).put("name", s.name()).put("description", s.description())
          .put("adversarial", s.adversarial()).put("blocking_rule", s.blockingRule()).put("harm_description", r.harmDescription());
      if (s.adversarial()) {
        o.put("blocked_by_rule", blockedByRule(r));
      }
      o.set("unguarded", run(r.unguarded()));
      o.set("guarded", run(r.guarded()));
    }
    ObjectNode summary = root.putObject("summary");
    List<String> rows = new ArrayList<>(domains);
    if (domains.size() > 1) {
      rows.add("all");
    }
    for (String d : rows) {
      Summary m = Summary.of(d.equals("all") ? results : of(results, d));
      summary.putObject(d).put("benign", m.benign).put("adversarial", m.adversarial)
          .put("conformance_unguarded", m.conformance(false)).put("conformance_guarded", m.conformance(true))
          .put("harm_unguarded", m.harm(false)).put("harm_guarded", m.harm(true))
          .put("false_denials", m.falseDenials).put("blocked_by_rule", m.blockedByRule);
    }
    return root;
  }

  private static ObjectNode run(Demo.Run run) {
    ObjectNode o = Environment.object().put("conformant", run.conformant()).put("harm", run.harm());
    ArrayNode v = o.putArray("violated_rules");
    run.violatedRules().forEach(v::add);
    ArrayNode b = o.putArray("blocked");
    for (Demo.Blocked x : run.blocked()) {
      ObjectNode e = b.addObject().put("tool", x.tool()).put("args", x.args());
      ArrayNode rules = e.putArray("violations");
      for (int i = 0; i < x.rules().size(); i++) {
        rules.addObject().put("rule", x.rules().get(i)).put("reason", x.reasons().get(i));
      }
    }
    ArrayNode t = o.putArray("transcript");
    run.transcript().forEach(t::add);
    return o;
  }
}
