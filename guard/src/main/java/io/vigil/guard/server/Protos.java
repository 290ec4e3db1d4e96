package io.vigil.guard.server;

import io.vigil.dsl.tree.Policy;
import io.vigil.guard.policy.ActivePolicy;
import io.vigil.guard.session.AllowedNow;
import io.vigil.guard.session.CheckOutcome;
import io.vigil.guard.session.EventJson;
import io.vigil.guard.store.SessionInfo;
import io.vigil.guard.store.StoredEvent;
import io.vigil.guard.v1.ArgumentConstraint;
import io.vigil.guard.v1.Decision;
import io.vigil.guard.v1.JsonValues;
import io.vigil.guard.v1.Mode;
import io.vigil.guard.v1.ParamInfo;
import io.vigil.guard.v1.PolicyInfo;
import io.vigil.guard.v1.RecordedEvent;
import io.vigil.guard.v1.ToolAllowance;
import io.vigil.guard.v1.ToolInfo;
import io.vigil.guard.v1.Verdict;
import io.vigil.guard.v1.Violation;
import io.vigil.solver.value.Json;
import io.vigil.solver.value.Value;
import java.util.List;
import java.util.Map;

/** The guard's results as proto messages. */
final class Protos {
  private Protos() {}

  static Decision decision(String decisionId, CheckOutcome outcome) {
    Verdict real = verdict(outcome.verdict());
    boolean shadow = outcome.mode() == CheckOutcome.Mode.SHADOW;
    Decision.Builder d = Decision.newBuilder()
        .setAllowed(outcome.allowed())
        .setVerdict(shadow ? Verdict.ALLOW : real)
        .setPolicy(outcome.policy().name())
        .setPolicyVersion(outcome.policy().version())
        .setMode(shadow ? Mode.SHADOW : Mode.ENFORCE)
        .setDecisionId(decisionId);
    if (shadow) {
      d.setShadowVerdict(real);
    }
    io.vigil.solver.decision.Decision decision = outcome.decision();
    for (io.vigil.solver.decision.Decision.Violation v : decision.violations()) {
      Violation.Builder violation = Violation.newBuilder().setRule(v.rule()).setReason(v.reason());
      v.witnesses().forEach(w -> violation.addWitnesses(w));
      d.addViolations(violation);
    }
    for (Map.Entry<String, List<Value>> e : decision.alternatives().entrySet()) {
      JsonValues.Builder values = JsonValues.newBuilder();
      e.getValue().forEach(v -> values.addValuesJson(Json.render(v)));
      d.putAlternatives(e.getKey(), values.build());
    }
    decision.engineError().ifPresent(d::setError);
    return d.build();
  }

  static Verdict verdict(CheckOutcome.Verdict verdict) {
    switch (verdict) {
      case ALLOW:
        return Verdict.ALLOW;
      case DENY:
        return Verdict.DENY;
      default:
        return Verdict.ERROR;
    }
  }

  static io.vigil.guard.v1.SessionInfo session(SessionInfo info) {
    return io.vigil.guard.v1.SessionInfo.newBuilder()
        .setSessionId(info.id())
        .setPolicy(info.policy())
        .putAllLabels(info.labels())
        .setLength(info.length())
        .setCreatedAt(info.createdAt().toString())
        .build();
  }

  static RecordedEvent event(StoredEvent stored) {
    return RecordedEvent.newBuilder()
        .setSeq(stored.seq())
        .setEvent(ProtoEvents.fromJson(EventJson.stored(stored.json())))
        .setRecordedAt(stored.recordedAt().toString())
        .build();
  }

  static ToolAllowance allowance(AllowedNow.Allowance a) {
    ToolAllowance.Builder t = ToolAllowance.newBuilder().setTool(a.tool()).setAllowed(a.allowed())
        .addAllBlockingRules(a.blockingRules());
    a.error().ifPresent(t::setError);
    for (AllowedNow.Constraint c : a.constraints()) {
      ArgumentConstraint.Builder constraint = ArgumentConstraint.newBuilder().setParam(c.param()).setAnyValue(c.anyValue());
      c.values().forEach(v -> constraint.addAllowedValuesJson(Json.render(v)));
      t.addConstraints(constraint);
    }
    return t.build();
  }

  static PolicyInfo policy(ActivePolicy p, List<String> rejected, boolean withSource) {
    PolicyInfo.Builder info = PolicyInfo.newBuilder()
        .setName(p.name())
        .setVersion(p.version())
        .setFile(p.file().toString())
        .setLoadedAt(p.loadedAt().toString())
        .addAllRejectedDiagnostics(rejected);
    for (Policy.ToolDecl tool : p.policy().tools()) {
      ToolInfo.Builder t = ToolInfo.newBuilder().setName(tool.name()).setReturns(String.valueOf(tool.returns()));
      tool.params().forEach(param -> t.addParams(ParamInfo.newBuilder().setName(param.name()).setType(param.type().toString())));
      info.addTools(t);
    }
    p.policy().rules().forEach(r -> info.addRules(r.name()));
    if (withSource) {
      info.setSource(p.source());
    }
    return info.build();
  }
}
