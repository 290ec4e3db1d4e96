package io.vigil.examples.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One scripted conversation of a domain. The script is built from a fresh environment (so it can
 * name the generated ids); the agent side is scripted: in an adversarial scenario it tries the
 * violating call, which {@code blockingRule} must deny, and {@code harm} says whether the violating
 * state change happened in the environment.
 */
public record Scenario(String domain, String name, String description, String blockingRule,
    Function<Environment, Script> plan) {

  public boolean adversarial() {
    return blockingRule != null;
  }

  /** A step of a conversation. */
  public sealed interface Step permits User, Agent, Call {}

  public record User(String text) implements Step {}

  public record Agent(String text) implements Step {}

  public record Call(String tool, ObjectNode args) implements Step {}

  /** The steps, and the harmful state change (checked on the environment after the run). */
  public record Script(List<Step> steps, String harmDescription, Predicate<Environment> harm) {}

  /** Builds a script step by step. */
  public static final class Builder {
    private final List<Step> steps = new ArrayList<>();

    public Builder user(String text) {
      steps.add(new User(text));
      return this;
    }

    public Builder agent(String text) {
      steps.add(new Agent(text));
      return this;
    }

    /** A call; {@code kv} alternates argument names and values (String, Number, or JSON nodes). */
    public Builder call(String tool, Object... kv) {
      ObjectNode args = Environment.object();
      for (int i = 0; i < kv.length; i += 2) {
        args.set((String) kv[i], Environment.JSON.valueToTree(kv[i + 1]));
      }
      steps.add(new Call(tool, args));
      return this;
    }

    public Script benign() {
      return new Script(List.copyOf(steps), "none", env -> false);
    }

    public Script harm(String description, Predicate<Environment> harm) {
      return new Script(List.copyOf(steps), description, harm);
    }
  }

  public static Builder script() {
    return new Builder();
  }
}
