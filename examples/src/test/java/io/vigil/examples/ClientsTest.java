package io.vigil.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example clients in other languages (examples/clients/python and examples/clients/node), each
 * run as a subprocess against a {@code vigil serve} process on the retail policy: a compliant
 * conversation is allowed, reading an order before authentication is denied by authenticate_first.
 */
class ClientsTest {
  static final Path REPO = ExamplePoliciesTest.EXAMPLES.toAbsolutePath().normalize().getParent();
  static final Path CLIENTS = REPO.resolve("examples/clients");
  /** Debian's python3-grpcio is importable from /usr/bin/python3 only (not from a pyenv python3 on PATH). */
  static final String PYTHON = System.getenv().getOrDefault("VIGIL_TEST_PYTHON", "/usr/bin/python3");

  @TempDir static Path tmp;
  static ServeProcess serve;

  @BeforeAll
  static void startSidecar() throws Exception {
    serve = ServeProcess.start(tmp, "--policies", REPO.resolve("examples/retail").toString(), "--store", "memory",
        "--decision-log", tmp.resolve("decisions.jsonl").toString());
  }

  @AfterAll
  static void stopSidecar() throws Exception {
    if (serve != null) {
      serve.close();
    }
  }

  record Run(int exit, String output) {}

  static Run run(Path dir, long timeoutSeconds, String... command) throws IOException, InterruptedException {
    Path log = Files.createTempFile(tmp, "run", ".log");
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      return new Run(-1, Files.readString(log, StandardCharsets.UTF_8) + "\n[timed out after " + timeoutSeconds + " s]");
    }
    return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  static boolean works(String... command) {
    try {
      return run(REPO, 60, command).exit() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  static void assertScenario(Run r, String client) {
    assertEquals(0, r.exit(), r.output());
    String out = r.output();
    for (String tool : List.of("find_user_id_by_email", "get_user_details", "get_order_details", "cancel_pending_order")) {
      assertTrue(out.matches("(?s).* ALLOW " + tool + "\\n.*"), tool + " not allowed:\n" + out);
    }
    assertTrue(out.contains(" DENY get_order_details authenticate_first\n"), out);
    assertTrue(out.contains("reason: authenticate the user first"), out);
    assertTrue(out.contains(client + " client: ok (5 decisions as expected)"), out);
  }

  /** The decisions of a client's sessions in the sidecar's decision log. */
  static List<String> logged(String sessionPrefix) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(tmp.resolve("decisions.jsonl"))) {
      if (line.contains("\"" + sessionPrefix)) {
        lines.add(line);
      }
    }
    return lines;
  }

  @Test
  void pythonClientPlaysTheRetailConversation() throws Exception {
    Prerequisite.require(Files.isExecutable(Path.of(PYTHON)) && works(PYTHON, "-c", "import grpc, google.protobuf"),
        PYTHON + " with the grpc and protobuf modules is missing (Debian: python3-grpcio python3-protobuf)");
    Prerequisite.require(works("protoc", "--version") && works("sh", "-c", "command -v grpc_python_plugin"),
        "protoc and grpc_python_plugin are missing (Debian: protobuf-compiler protobuf-compiler-grpc)");
    Run r = run(CLIENTS.resolve("python"), 120, PYTHON, "retail_client.py", "--target", serve.target());
    assertScenario(r, "python");
    assertEquals(5, logged("py-").size(), "decision log: " + logged("py-"));
  }

  @Test
  void nodeClientPlaysTheRetailConversation() throws Exception {
    Path dir = CLIENTS.resolve("node");
    Prerequisite.require(works("node", "--version"), "node is missing (Debian: nodejs npm)");
    if (!Files.isDirectory(dir.resolve("node_modules/@grpc/grpc-js"))) {
      Prerequisite.require(works("npm", "--version"), "npm is missing to install the Node client's packages");
      Run ci = run(dir, 300, "npm", "ci", "--no-audit", "--no-fund");
      assertEquals(0, ci.exit(), "npm ci in " + dir + ":\n" + ci.output());
    }
    Run r = run(dir, 120, "node", "retail_client.js", "--target", serve.target());
    assertScenario(r, "node");
    assertEquals(5, logged("node-").size(), "decision log: " + logged("node-"));
  }
}
