package io.vigil.solver.ir;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.dsl.parser.PolicyParser;
import io.vigil.solver.SmokeTest;
import org.junit.jupiter.api.Test;

class CandidateReadsTest {
  @Test
  void findsTheCandidatesArgumentsARuleReads() {
    CompiledPolicy policy = RuleCompiler.compile(PolicyParser.parse(SmokeTest.POLICY, "p.vigil"), "v");
    CompiledRule authenticate = policy.rules().get(0);
    CompiledRule refund = policy.rules().get(1);
    assertFalse(CandidateReads.argument(authenticate.holds(), "order_id"), "the group trigger binds nothing");
    // pm is compared inside a `once ... where` and inside an index u.payment_methods[pm]
    assertTrue(CandidateReads.argument(refund.holds(), "payment_method_id"));
    assertTrue(CandidateReads.argument(refund.holds(), "order_id"));
    assertFalse(CandidateReads.argument(refund.holds(), "item_ids"), "an argument matched by _ is never read");
  }
}
