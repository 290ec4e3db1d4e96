package io.vigil.solver.ir;

import io.vigil.dsl.tree.SourcePosition;
import java.util.List;

/**
 * One rule as formulas at the candidate's position: it holds iff {@code triggered} implies
 * {@code requirement}. {@code variables} is how many position/element variables it uses.
 */
public record CompiledRule(
    String name,
    Formula triggered,
    Formula requirement,
    List<MessagePart> message,
    int variables,
    SourcePosition position) {

  public CompiledRule {
    message = List.copyOf(message);
  }

  public Formula holds() {
    return new Formula.Implies(triggered, requirement);
  }

  /** A piece of the reason text: literal text, or a term evaluated at the candidate. */
  public sealed interface MessagePart {
    record Text(String text) implements MessagePart {}

    record Hole(Term term) implements MessagePart {}
  }
}
