package io.vigil.guard.cli;

import static io.vigil.guard.cli.VigilCommandTest.vigil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil generate} on the retail policy with the random-weight reference model. */
class GenerateCommandTest {
  static final String RETAIL = "../examples/retail/retail.vigil";

  @Test
  void generatedCallsReplayAsAllowedAfterTheHistory(@TempDir Path dir) throws Exception {
    String userLine = "{\"type\": \"user_message\", \"text\": \"Hi, what's the status of my order #W2611340?\"}\n";
    Path history = Files.writeString(dir.resolve("history.jsonl"), userLine);
    VigilCommandTest.Result r = vigil("generate", "--policy", RETAIL, "--history", history.toString(),
        "--random-model", "5", "--seed", "2", "--tool-choice", "required", "--max-tokens", "40", "--format", "json");
    assertEquals(0, r.exit(), r.err() + r.out());
    JsonNode out = r.json();
    assertTrue(out.get("stats").get("tokens").asInt() > 0, r.out());
    assertEquals(1, out.get("tool_calls").size(), "tool choice required, and tools are allowed before authentication: " + r.out());
    for (JsonNode call : out.get("tool_calls")) {
      String line = "{\"type\": \"tool_call\", \"id\": \"g\", \"tool\": " + call.get("name") + ", \"args\": " + call.get("arguments") + "}\n";
      Path trace = Files.writeString(dir.resolve("replay.jsonl"), userLine + line);
      VigilCommandTest.Result replay = vigil("replay", "--policy", RETAIL, "--trace", trace.toString());
      assertEquals(0, replay.exit(), "the generated call " + line + " replays as allowed: " + replay.out());
    }
  }

  @Test
  void textFormatAndUsageErrors() {
    VigilCommandTest.Result r = vigil("generate", "--policy", RETAIL, "--random-model", "5", "--tool-choice", "none",
        "--max-tokens", "12");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("text: ") && r.out().contains("12 tokens"), r.out());
    assertTrue(!r.out().contains("tool_call:"), r.out());
    VigilCommandTest.Result bad = vigil("generate", "--policy", RETAIL, "--random-model", "5", "--tool-choice", "always");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("--tool-choice"), bad.err());
    VigilCommandTest.Result noModel = vigil("generate", "--policy", RETAIL);
    assertEquals(2, noModel.exit());
  }
}
