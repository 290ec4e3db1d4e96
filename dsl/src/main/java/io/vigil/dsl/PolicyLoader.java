package io.vigil.dsl;

import io.vigil.dsl.check.PolicyChecker;
import io.vigil.dsl.parser.PolicyParser;
import io.vigil.dsl.tree.Policy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/** Parses and checks a policy file; the one entry point for tools that run policies. */
public final class PolicyLoader {
  private PolicyLoader() {}

  /** Reads {@code file} (UTF-8); its diagnostics name it as written in {@code file.toString()}. */
  public static LoadedPolicy load(Path file) {
    String source;
    try {
      source = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read policy " + file, e);
    }
    return load(source, file.toString());
  }

  /**
   * Parses and checks {@code source}. Throws {@link PolicySyntaxException} when it does not parse
   * and {@link PolicyException} (with every diagnostic) when the checker finds an error.
   */
  public static LoadedPolicy load(String source, String fileName) {
    Policy policy = PolicyParser.parse(source, fileName);
    List<Diagnostic> diagnostics = PolicyChecker.check(policy);
    if (diagnostics.stream().anyMatch(Diagnostic::isError)) {
      throw new PolicyException(diagnostics);
    }
    return new LoadedPolicy(policy, diagnostics, sha256(source));
  }

  /**
   * Like {@link #load(Path)}, but errors of the given codes do not stop loading: they come back
   * among the diagnostics. For analysis, which shows what such an error does to the policy.
   */
  public static LoadedPolicy loadTolerating(Path file, Set<Diagnostic.Code> tolerated) {
    String source;
    try {
      source = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read policy " + file, e);
    }
    Policy policy = PolicyParser.parse(source, file.toString());
    List<Diagnostic> diagnostics = PolicyChecker.check(policy);
    if (diagnostics.stream().anyMatch(d -> d.isError() && !tolerated.contains(d.code()))) {
      throw new PolicyException(diagnostics);
    }
    return new LoadedPolicy(policy, diagnostics, sha256(source));
  }

  static String sha256(String source) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
