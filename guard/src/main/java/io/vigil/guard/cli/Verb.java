package io.vigil.guard.cli;

import io.vigil.dsl.Diagnostic;
import io.vigil.dsl.PolicyException;
import io.vigil.solver.trace.TraceFormatException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every verb shares: its output streams and the mapping of failures to exit code 2 with a
 * one-line message on stderr (a stack trace only with {@code --verbose}).
 */
abstract class Verb implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  /** Runs the verb; returns its exit code. */
  abstract int run() throws Exception;

  @Override
  public final Integer call() {
    try {
      return run();
    } catch (PolicyException e) {
      for (Diagnostic d : e.diagnostics()) {
        if (d.isError()) {
          err().println(d);
        }
      }
      trace(e);
      return ExitCodes.ERROR;
    } catch (TraceFormatException | CliException e) {
      return fail(e.getMessage(), e);
    } catch (UncheckedIOException e) {
      return fail(e.getMessage(), e);
    } catch (Exception | LinkageError e) {
      return fail("internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    } finally {
      out().flush();
      err().flush();
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  private int fail(String message, Throwable e) {
    err().println("vigil " + spec.name() + ": " + message);
    trace(e);
    return ExitCodes.ERROR;
  }

  private void trace(Throwable e) {
    if (verbose) {
      e.printStackTrace(err());
    }
  }
}
