package io.vigil.guard.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vigil}: the command line of the Vigil guardrail. Each verb is one small class. */
@Command(
    name = "vigil",
    mixinStandardHelpOptions = true,
    versionProvider = VigilCommand.Version.class,
    description = "Decides whether an LLM agent's tool calls are allowed under a temporal policy (*.vigil).",
    subcommands = {
      CheckCommand.class,
      ReplayCommand.class,
      TestCommand.class,
      CompileCommand.class,
      BenchCommand.class,
      AnalyzeCommand.class,
      DiffCommand.class,
      FmtCommand.class,
      GenerateCommand.class,
      ServeCommand.class,
      VersionCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  ok: policies check, every call allowed, every test passes",
      "  1  a call denied, a test failed, a file not formatted",
      "  2  usage or input error (policy errors, malformed trace), engine error"
    })
public final class VigilCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /**
   * Netty's leak detector, on by default, records a stack trace for a sample of the buffers every
   * call allocates; Vigil's buffers are all gRPC's own, so it is off unless asked for (set
   * {@code -Dio.grpc.netty.shaded.io.netty.leakDetection.level}).
   */
  private static final String NETTY_LEAK_DETECTION = "io.grpc.netty.shaded.io.netty.leakDetection.level";

  public static void main(String[] args) {
    if (System.getProperty(NETTY_LEAK_DETECTION) == null) {
      System.setProperty(NETTY_LEAK_DETECTION, "disabled");
    }
    System.exit(new CommandLine(new VigilCommand()).execute(args));
  }

  /** {@code vigil} alone: the usage, as an error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.ERROR;
  }

  /** The project version, from the jar manifest or the filtered resource when run from classes. */
  static String version() {
    String fromManifest = VigilCommand.class.getPackage().getImplementationVersion();
    if (fromManifest != null) {
      return fromManifest;
    }
    Properties properties = new Properties();
    try (InputStream in = VigilCommand.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      // fall through to unknown
    }
    return properties.getProperty("version", "unknown");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"vigil " + version()};
    }
  }
}
