package io.vigil.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code vigil serve} as a separate process (this test's class path), on a free port. */
final class ServeProcess implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("vigil serve: listening on ([0-9.]+):(\\d+)");

  final Process process;
  final String host;
  final int port;
  final Path stderr;

  private ServeProcess(Process process, String host, int port, Path stderr) {
    this.process = process;
    this.host = host;
    this.port = port;
    this.stderr = stderr;
  }

  String target() {
    return host + ":" + port;
  }

  /** Starts {@code vigil serve --port 0 ARGS...} and waits until it listens; output goes to files in {@code dir}. */
  static ServeProcess start(Path dir, String... args) throws IOException, InterruptedException {
    Path out = dir.resolve("serve.out");
    Path err = dir.resolve("serve.err");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.vigil.guard.cli.VigilCommand", "serve", "--port", "0"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < until) {
      Matcher m = READY.matcher(Files.exists(out) ? Files.readString(out) : "");
      if (m.find()) {
        return new ServeProcess(process, m.group(1), Integer.parseInt(m.group(2)), err);
      }
      if (!process.isAlive()) {
        throw new AssertionError("vigil serve exited " + process.exitValue() + ": " + Files.readString(err));
      }
      Thread.sleep(50);
    }
    process.destroyForcibly();
    throw new AssertionError("vigil serve did not get ready in 60 s: " + Files.readString(err));
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }
}
