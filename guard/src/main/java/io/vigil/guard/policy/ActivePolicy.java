package io.vigil.guard.policy;

import io.vigil.dsl.LoadedPolicy;
import io.vigil.dsl.tree.Policy;
import io.vigil.solver.PolicyDecider;
import io.vigil.solver.z3.Z3Decider;
import java.nio.file.Path;
import java.time.Instant;

/**
 * One loaded version of a policy: what decisions use. {@code version} is the content hash (the
 * first 12 hex digits of the SHA-256 of the source, as {@code vigil replay} reports it). A new
 * version replaces it on reload; the old one stays usable by decisions in flight until it is
 * retired.
 */
public final class ActivePolicy {
  private final String name;
  private final String version;
  private final Path file;
  private final String source;
  private final LoadedPolicy loaded;
  private final Instant loadedAt;
  private final PolicyDecider decider;
  private Z3Decider constraints;
  private Z3Decider alternatives;

  ActivePolicy(Path file, String source, LoadedPolicy loaded, Instant loadedAt) {
    this.name = loaded.policy().name();
    this.version = loaded.sourceHash().substring(0, 12);
    this.file = file;
    this.source = source;
    this.loaded = loaded;
    this.loadedAt = loadedAt;
    this.decider = new PolicyDecider(loaded.policy(), version);
  }

  public String name() {
    return name;
  }

  public String version() {
    return version;
  }

  public Path file() {
    return file;
  }

  public String source() {
    return source;
  }

  public Policy policy() {
    return loaded.policy();
  }

  public LoadedPolicy loaded() {
    return loaded;
  }

  public Instant loadedAt() {
    return loadedAt;
  }

  /** Decides calls (thread-safe; Z3 queries are serialized per policy version). */
  public PolicyDecider decider() {
    return decider;
  }

  /** A second Z3 context for "which values are allowed" questions, so they do not queue behind decisions. */
  public synchronized Z3Decider constraints() {
    if (constraints == null) {
      constraints = new Z3Decider(decider.policy());
    }
    return constraints;
  }

  /** A Z3 context for the alternatives of denied calls. */
  public synchronized Z3Decider alternatives() {
    if (alternatives == null) {
      alternatives = new Z3Decider(decider.policy());
    }
    return alternatives;
  }

  synchronized void close() {
    decider.close();
    if (constraints != null) {
      constraints.close();
    }
    if (alternatives != null) {
      alternatives.close();
    }
  }
}
