package io.vigil.guard.cli;

import io.vigil.dsl.Diagnostic;
import io.vigil.dsl.LoadedPolicy;
import io.vigil.dsl.PolicyLoader;
import io.vigil.solver.trace.Trace;
import io.vigil.solver.trace.TraceReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Finding and reading the files the verbs are given. */
final class Inputs {
  static final String POLICY_SUFFIX = ".vigil";
  static final String TRACE_SUFFIX = ".jsonl";

  private Inputs() {}

  /**
   * Each argument that is a file, and every file ending in {@code suffix} under each argument that
   * is a directory (recursively, sorted).
   */
  static List<Path> expand(List<Path> arguments, String suffix) {
    List<Path> files = new ArrayList<>();
    for (Path argument : arguments) {
      if (Files.isDirectory(argument)) {
        files.addAll(walk(argument, suffix));
      } else if (Files.isRegularFile(argument)) {
        files.add(argument);
      } else {
        throw new CliException(argument + ": no such file or directory");
      }
    }
    return files;
  }

  /**
   * Every regular file ending in {@code suffix} under {@code dir}, sorted by path, leaving out build
   * output and tool folders ({@code target}, {@code node_modules}, hidden ones), whose copies of
   * policies are not sources.
   */
  static List<Path> walk(Path dir, String suffix) {
    try (Stream<Path> paths = Files.walk(dir)) {
      return paths
          .filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(suffix))
          .filter(p -> !underBuildOutput(dir.relativize(p)))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static boolean underBuildOutput(Path relative) {
    for (int i = 0; i < relative.getNameCount() - 1; i++) {
      String name = relative.getName(i).toString();
      if (name.equals("target") || name.equals("node_modules") || (name.startsWith(".") && name.length() > 1 && !name.equals(".."))) {
        return true;
      }
    }
    return false;
  }

  static LoadedPolicy policy(Path file) {
    requireFile(file);
    return PolicyLoader.load(file);
  }

  static LoadedPolicy policyTolerating(Path file, Set<Diagnostic.Code> tolerated) {
    requireFile(file);
    return PolicyLoader.loadTolerating(file, tolerated);
  }

  static Trace trace(Path file) {
    requireFile(file);
    return TraceReader.read(file);
  }

  private static void requireFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new CliException(file + ": no such file");
    }
  }
}
