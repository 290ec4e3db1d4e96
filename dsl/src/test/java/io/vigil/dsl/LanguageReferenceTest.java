package io.vigil.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.dsl.check.PolicyChecker;
import io.vigil.dsl.format.PolicyFormatter;
import io.vigil.dsl.parser.PolicyParser;
import io.vigil.dsl.tree.Policy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code ```vigil} block of docs/language.md is a complete policy file that parses, checks
 * without errors and survives formatting.
 */
class LanguageReferenceTest {
  private static final Path REFERENCE = Path.of("..", "docs", "language.md");
  private static final Pattern BLOCK = Pattern.compile("(?ms)^```vigil\\n(.*?)^```");

  private record Block(int line, String source) {}

  private static List<Block> blocks() throws IOException {
    String text = Files.readString(REFERENCE);
    List<Block> blocks = new ArrayList<>();
    Matcher matcher = BLOCK.matcher(text);
    while (matcher.find()) {
      int line = (int) text.substring(0, matcher.start(1)).chars().filter(c -> c == '\n').count() + 1;
      blocks.add(new Block(line, matcher.group(1)));
    }
    return blocks;
  }

  @Test
  void theReferenceHasExamples() throws IOException {
    assertTrue(blocks().size() >= 5, "expected the language reference to have vigil examples");
  }

  @TestFactory
  Stream<DynamicTest> everyExampleParsesAndChecks() throws IOException {
    return blocks().stream().map(block -> DynamicTest.dynamicTest("language.md line " + block.line(), () -> {
      String fileName = "language.md@" + block.line();
      Policy policy = PolicyParser.parse(block.source(), fileName);
      List<Diagnostic> errors = PolicyChecker.check(policy).stream().filter(Diagnostic::isError).toList();
      assertEquals(List.of(), errors, "errors in the example at line " + block.line());
      Policy formatted = PolicyParser.parse(PolicyFormatter.format(policy), fileName);
      assertEquals(policy, formatted);
    }));
  }
}
