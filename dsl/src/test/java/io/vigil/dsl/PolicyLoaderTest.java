package io.vigil.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyLoaderTest {
  private static final String GOOD = "policy p\ntool t(x: string)\nrule r:\n  before t(x)\n  require once t(y)\n";

  @Test
  void loadsAPolicyWithItsWarningsAndHash() {
    LoadedPolicy loaded = PolicyLoader.load(GOOD, "p.vigil");
    assertEquals("p", loaded.policy().name());
    assertEquals(List.of(
            "p.vigil:4:12: warning: variable 'x' is bound but never used (write _ or _x)",
            "p.vigil:5:18: warning: variable 'y' is bound but never used (write _ or _y)"),
        loaded.warnings().stream().map(Diagnostic::toString).toList());
    assertEquals(64, loaded.sourceHash().length());
    assertEquals(PolicyLoader.load(GOOD, "other").sourceHash(), loaded.sourceHash());
  }

  @Test
  void sha256OfTheText() {
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", PolicyLoader.sha256(""));
  }

  @Test
  void checkErrorsThrowPolicyException() {
    PolicyException e = assertThrows(PolicyException.class,
        () -> PolicyLoader.load("policy p\ntool t(x: string)\nrule r:\n  before t(1)\n  require z\n", "bad.vigil"));
    assertEquals(List.of(
            "bad.vigil:4:12: error: argument 'x' of 't' expects string, got number",
            "bad.vigil:5:11: error: unbound variable 'z'"),
        e.diagnostics().stream().map(Diagnostic::toString).toList());
    assertEquals("bad.vigil:4:12: error: argument 'x' of 't' expects string, got number\n"
        + "bad.vigil:5:11: error: unbound variable 'z'", e.getMessage());
  }

  @Test
  void syntaxErrorsThrowPolicySyntaxException() {
    assertThrows(PolicySyntaxException.class, () -> PolicyLoader.load("policy p\nrule", "bad.vigil"));
  }

  @Test
  void loadsAFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("p.vigil");
    Files.writeString(file, GOOD);
    LoadedPolicy loaded = PolicyLoader.load(file);
    assertEquals(file.toString(), loaded.policy().position().file());
    assertEquals(PolicyLoader.load(GOOD, "x").sourceHash(), loaded.sourceHash());
  }
}
