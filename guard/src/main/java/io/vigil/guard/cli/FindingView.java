package io.vigil.guard.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.solver.analysis.Finding;
import java.io.PrintWriter;
import java.util.Locale;

/** How analyze and diff print a finding: a text block with its witness trace, or a JSON object. */
final class FindingView {
  private FindingView() {}

  static void text(Finding f, PrintWriter out) {
    out.println(f.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + f.subject());
    out.println("  " + f.message());
    f.witness().ifPresent(w -> {
      out.println("  witness (JSON Lines; the last call is the one decided)"
          + w.origin().map(o -> ", the call at " + o).orElse("") + ":");
      for (ObjectNode line : w.lines()) {
        out.println("    " + line);
      }
    });
  }

  static ObjectNode json(Finding f, ArrayNode into) {
    ObjectNode node = into.addObject();
    node.put("kind", f.kind().name().toLowerCase(Locale.ROOT));
    node.put("subject", f.subject());
    node.put("message", f.message());
    ArrayNode rules = node.putArray("rules");
    f.rules().forEach(rules::add);
    f.witness().ifPresent(w -> {
      w.origin().ifPresent(o -> node.put("witness_origin", o));
      ArrayNode lines = node.putArray("witness");
      w.lines().forEach(lines::add);
    });
    return node;
  }
}
