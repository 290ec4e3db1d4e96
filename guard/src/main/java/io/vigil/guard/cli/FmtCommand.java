package io.vigil.guard.cli;

import io.vigil.dsl.format.PolicyFormatter;
import io.vigil.dsl.parser.PolicyParser;
import io.vigil.dsl.parser.VigilLexer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vigil fmt}: the canonical layout of policy files. */
@Command(
    name = "fmt",
    description = {
      "Format policy files in the canonical layout (prints the result unless --check or --write).",
      "The formatter does not keep comments: --write refuses a file that has any."
    })
final class FmtCommand extends Verb {
  @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "Policy files or directories.")
  List<Path> paths;

  @ArgGroup(exclusive = true)
  Mode mode = new Mode();

  static final class Mode {
    @picocli.CommandLine.Option(names = "--check", description = "List files that are not formatted; exit 1 if any.")
    boolean check;

    @picocli.CommandLine.Option(names = "--write", description = "Rewrite files that are not formatted.")
    boolean write;
  }

  @Override
  int run() throws Exception {
    List<Path> files = Inputs.expand(paths, Inputs.POLICY_SUFFIX);
    if (files.isEmpty()) {
      throw new CliException("no " + Inputs.POLICY_SUFFIX + " files under " + paths);
    }
    boolean unformatted = false;
    boolean refused = false;
    for (Path file : files) {
      String source = Files.readString(file, StandardCharsets.UTF_8);
      String formatted = PolicyFormatter.format(PolicyParser.parse(source, file.toString()));
      boolean same = formatted.equals(source);
      if (mode.check) {
        if (!same) {
          out().println(file + ": not formatted");
          unformatted = true;
        }
      } else if (mode.write) {
        if (same) {
          continue;
        }
        if (hasComments(source)) {
          err().println("vigil fmt: " + file + ": not rewritten: it has comments, which the formatter does not keep");
          refused = true;
        } else {
          Files.writeString(file, formatted, StandardCharsets.UTF_8);
          out().println(file + ": formatted");
        }
      } else {
        out().print(formatted);
      }
    }
    if (refused) {
      return ExitCodes.ERROR;
    }
    return unformatted ? ExitCodes.VERDICT : ExitCodes.OK;
  }

  /** Whether some {@code #} lies outside every token (the lexer skips comments). */
  static boolean hasComments(String source) {
    VigilLexer lexer = new VigilLexer(CharStreams.fromString(source));
    lexer.removeErrorListeners();
    BitSet covered = new BitSet(source.length());
    for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
      if (t.getStartIndex() >= 0 && t.getStopIndex() >= t.getStartIndex()) {
        covered.set(t.getStartIndex(), t.getStopIndex() + 1);
      }
    }
    for (int i = source.indexOf('#'); i >= 0; i = source.indexOf('#', i + 1)) {
      if (!covered.get(i)) {
        return true;
      }
    }
    return false;
  }
}
