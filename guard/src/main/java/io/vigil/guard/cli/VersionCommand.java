package io.vigil.guard.cli;

import picocli.CommandLine.Command;

/** {@code vigil version}. */
@Command(name = "version", description = "Print the version of Vigil and of the Java runtime.")
final class VersionCommand extends Verb {
  @Override
  int run() {
    out().println("vigil " + VigilCommand.version());
    out().println("java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
    return ExitCodes.OK;
  }
}
