package io.vigil.guard.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.MessageLite;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.vigil.guard.audit.DecisionIds;
import io.vigil.guard.audit.DecisionLog;
import io.vigil.guard.generate.GenerateHandler;
import io.vigil.guard.policy.ActivePolicy;
import io.vigil.guard.session.AllowedNow;
import io.vigil.guard.session.CheckOutcome;
import io.vigil.guard.session.Deadline;
import io.vigil.guard.session.EventValidator;
import io.vigil.guard.session.GuardException;
import io.vigil.guard.session.Session;
import io.vigil.guard.session.SessionRegistry;
import io.vigil.guard.store.SessionInfo;
import io.vigil.guard.store.StoreException;
import io.vigil.guard.v1.AllowedRequest;
import io.vigil.guard.v1.AllowedResponse;
import io.vigil.guard.v1.CheckRequest;
import io.vigil.guard.v1.CheckResponse;
import io.vigil.guard.v1.CreateSessionRequest;
import io.vigil.guard.v1.Error;
import io.vigil.guard.v1.GenerateEvent;
import io.vigil.guard.v1.GenerateRequest;
import io.vigil.guard.v1.GetPolicyRequest;
import io.vigil.guard.v1.GetSessionRequest;
import io.vigil.guard.v1.GetSessionResponse;
import io.vigil.guard.v1.GuardGrpc;
import io.vigil.guard.v1.ListPoliciesRequest;
import io.vigil.guard.v1.ListPoliciesResponse;
import io.vigil.guard.v1.PolicyInfo;
import io.vigil.guard.v1.RecordRequest;
import io.vigil.guard.v1.RecordResponse;
import io.vigil.guard.v1.SessionRequest;
import io.vigil.guard.v1.SessionResponse;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.Timestamps;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Guard gRPC service: validates requests as a whole (nothing is recorded for a rejected
 * request), hands them to the session layer and maps the results. Status codes: bad input
 * INVALID_ARGUMENT naming the field, unknown session or policy NOT_FOUND, store failures
 * UNAVAILABLE, anything unexpected INTERNAL (logged, no stack trace to the caller). Engine errors
 * while deciding are decisions with verdict ERROR, not RPC failures.
 */
final class GuardService extends GuardGrpc.GuardImplBase {
  private static final Logger log = Logger.getLogger(GuardService.class.getName());

  private final SessionRegistry sessions;
  private final DecisionLog decisions;
  private final CheckOutcome.Mode mode;
  private final Limits limits;
  private final java.util.concurrent.Executor workers;
  private final DecisionIds decisionIds = new DecisionIds();
  /** Null when the sidecar runs without a model. */
  private final GenerateHandler generator;

  /** Request limits: a request's serialized size and the events of one Record. */
  record Limits(int maxRequestBytes, int maxEventsPerRequest, int alternativesMaxEvents) {}

  GuardService(SessionRegistry sessions, DecisionLog decisions, CheckOutcome.Mode mode, Limits limits,
      GenerateHandler generator) {
    this(sessions, decisions, mode, limits, generator, null);
  }

  /** {@code workers}: where checks that may wait run, when Check itself runs on the transport thread. */
  GuardService(SessionRegistry sessions, DecisionLog decisions, CheckOutcome.Mode mode, Limits limits,
      GenerateHandler generator, java.util.concurrent.Executor workers) {
    this.workers = workers;
    this.sessions = sessions;
    this.decisions = decisions;
    this.mode = mode;
    this.limits = limits;
    this.generator = generator;
  }

  // ---- unary RPCs -------------------------------------------------------------------------

  /**
   * With a worker pool, this runs on the transport thread (see {@link GuardServer}): a check that
   * can finish without waiting (the session is not busy, the store does not block, no Z3) is
   * answered here, which spares two thread hand-offs; any other goes to the pool.
   */
  @Override
  public void check(CheckRequest request, StreamObserver<CheckResponse> out) {
    if (workers == null) {
      unary(out, () -> check(request, deadline()));
      return;
    }
    if (!sessions.store().blocks(request.getRecordIfAllowed())) {
      CheckResponse answer;
      try {
        answer = checkNow(request, deadline());
      } catch (RuntimeException e) {
        out.onError(new StatusRuntimeException(status(e)));
        return;
      }
      if (answer != null) {
        unary(out, () -> answer);
        return;
      }
    }
    try {
      workers.execute(Context.current().wrap(() -> unary(out, () -> check(request, deadline()))));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      out.onError(Status.UNAVAILABLE.withDescription("the sidecar is shutting down").asRuntimeException());
    }
  }

  @Override
  public void record(RecordRequest request, StreamObserver<RecordResponse> out) {
    unary(out, () -> record(request, deadline()));
  }

  @Override
  public void allowed(AllowedRequest request, StreamObserver<AllowedResponse> out) {
    unary(out, () -> allowed(request, deadline()));
  }

  @Override
  public void generate(GenerateRequest request, StreamObserver<GenerateEvent> out) {
    try {
      if (generator == null) {
        throw GenerateHandler.noModel();
      }
      size(request, "conversation");
      generator.generate(request, sessions, deadline(), out::onNext);
    } catch (RuntimeException e) {
      out.onError(new StatusRuntimeException(status(e)));
      return;
    }
    out.onCompleted();
  }

  @Override
  public void createSession(CreateSessionRequest request, StreamObserver<io.vigil.guard.v1.SessionInfo> out) {
    unary(out, () -> create(request));
  }

  @Override
  public void getSession(GetSessionRequest request, StreamObserver<GetSessionResponse> out) {
    unary(out, () -> {
      Session session = sessions.get(request.getSessionId(), "session_id");
      SessionInfo info = sessions.store().session(session.id()).orElseThrow(
          () -> GuardException.notFound("session_id", "no session '" + session.id() + "'"));
      GetSessionResponse.Builder response = GetSessionResponse.newBuilder().setSession(Protos.session(info));
      if (request.getIncludeEvents()) {
        if (request.getFromSeq() < 0) {
          throw GuardException.invalid("from_seq", "must be >= 0");
        }
        sessions.store().events(session.id(), request.getFromSeq())
            .forEach(e -> response.addEvents(Protos.event(e)));
      }
      return response.build();
    });
  }

  @Override
  public void listPolicies(ListPoliciesRequest request, StreamObserver<ListPoliciesResponse> out) {
    unary(out, () -> {
      ListPoliciesResponse.Builder response = ListPoliciesResponse.newBuilder();
      for (ActivePolicy p : sessions.policies().all()) {
        response.addPolicies(Protos.policy(p, sessions.policies().rejected(p.name()), false));
      }
      return response.build();
    });
  }

  @Override
  public void getPolicy(GetPolicyRequest request, StreamObserver<PolicyInfo> out) {
    unary(out, () -> {
      if (request.getName().isEmpty()) {
        throw GuardException.invalid("name", "missing");
      }
      ActivePolicy p = sessions.policy(request.getName(), "name");
      return Protos.policy(p, sessions.policies().rejected(p.name()), true);
    });
  }

  // ---- the session stream -----------------------------------------------------------------

  @Override
  public StreamObserver<SessionRequest> session(StreamObserver<SessionResponse> out) {
    return new StreamRequests(out);
  }

  /**
   * One Session stream's requests, answered in order. With a worker pool, requests arrive on the
   * transport thread (see {@link GuardServer}): a check that can finish at once is answered
   * there, anything else goes to a queue that a worker drains in order; while the queue is not
   * empty, later requests join it, so a check never overtakes a record sent before it.
   */
  private final class StreamRequests implements StreamObserver<SessionRequest> {
    private final StreamObserver<SessionResponse> out;
    private final java.util.ArrayDeque<Runnable> queue = new java.util.ArrayDeque<>();
    /** A worker is draining the queue (guarded by this). */
    private boolean draining;

    StreamRequests(StreamObserver<SessionResponse> out) {
      this.out = out;
    }

    @Override
    public void onNext(SessionRequest request) {
      if (workers == null) {
        reply(answer(request, deadline(), false));
        return;
      }
      Runnable later = Context.current().wrap(() -> reply(answer(request, deadline(), false)));
      synchronized (this) {
        if (draining) {
          queue.add(later);
          return;
        }
      }
      SessionResponse now = answer(request, deadline(), true);
      if (now != null) {
        reply(now);
      } else {
        enqueue(later);
      }
    }

    @Override
    public void onError(Throwable t) {
      // the client went away: nothing to answer
    }

    @Override
    public void onCompleted() {
      Runnable complete = () -> {
        synchronized (out) {
          out.onCompleted();
        }
      };
      synchronized (this) {
        if (draining) {
          queue.add(complete);
          return;
        }
      }
      complete.run();
    }

    private void enqueue(Runnable task) {
      boolean start;
      synchronized (this) {
        queue.add(task);
        start = !draining;
        draining = true;
      }
      if (start) {
        try {
          workers.execute(this::drain);
        } catch (java.util.concurrent.RejectedExecutionException e) {
          synchronized (out) {
            out.onError(Status.UNAVAILABLE.withDescription("the sidecar is shutting down").asRuntimeException());
          }
        }
      }
    }

    private void drain() {
      while (true) {
        Runnable task;
        synchronized (this) {
          task = queue.poll();
          if (task == null) {
            draining = false;
            return;
          }
        }
        try {
          task.run();
        } catch (RuntimeException e) {
          log.log(Level.FINE, "answering a Session stream request", e); // the caller is gone
        }
      }
    }

    private void reply(SessionResponse response) {
      synchronized (out) {
        out.onNext(response);
      }
    }
  }

  /**
   * The answer to one Session stream request. {@code now}: only a check that can finish at once
   * is answered; null for anything else (nothing was done).
   */
  private SessionResponse answer(SessionRequest request, Deadline deadline, boolean now) {
    if (now && (request.getOpCase() != SessionRequest.OpCase.CHECK
        || sessions.store().blocks(request.getCheck().getRecordIfAllowed()))) {
      return null;
    }
    SessionResponse.Builder response = SessionResponse.newBuilder().setRequestId(request.getRequestId());
    String op = "";
    try {
      switch (request.getOpCase()) {
        case CHECK:
          op = "check";
          if (now) {
            CheckResponse answer = checkNow(request.getCheck(), deadline);
            if (answer == null) {
              return null;
            }
            response.setCheck(answer);
          } else {
            response.setCheck(check(request.getCheck(), deadline));
          }
          break;
        case RECORD:
          op = "record";
          response.setRecord(record(request.getRecord(), deadline));
          break;
        case ALLOWED:
          op = "allowed";
          response.setAllowed(allowed(request.getAllowed(), deadline));
          break;
        case CREATE:
          op = "create";
          response.setCreated(create(request.getCreate()));
          break;
        default:
          throw GuardException.invalid("op", "set one of check, record, allowed, create");
      }
    } catch (RuntimeException e) {
      Status status = status(e);
      String field = e instanceof GuardException g && !g.field().isEmpty()
          ? (op.isEmpty() ? g.field() : op + "." + g.field()) : "";
      String message = e instanceof GuardException g && !g.field().isEmpty() && !op.isEmpty()
          ? op + "." + g.getMessage() : status.getDescription();
      response.setError(Error.newBuilder().setCode(status.getCode().name())
          .setMessage(message == null ? "" : message).setField(field));
    }
    return response.build();
  }

  // ---- operations shared by the unary RPCs and the stream -----------------------------------

  private CheckResponse check(CheckRequest request, Deadline deadline) {
    size(request, "call");
    Session session = sessions.get(request.getSessionId(), "session_id");
    ActivePolicy policy = sessions.policy(session.policyName(), "session_id");
    if (!request.hasCall()) {
      throw GuardException.invalid("call", "missing");
    }
    ObjectNode json = ProtoEvents.callJson(request.getCall(), request.getTime(), "call", "time", Instant.now());
    Event.ToolCall call = EventValidator.call(policy.policy(), json, "call");
    return answer(session.check(policy, call, json, request.getRecordIfAllowed(), mode,
        limits.alternativesMaxEvents(), deadline));
  }

  /** A check that finishes without waiting, else null (nothing was recorded or logged). */
  private CheckResponse checkNow(CheckRequest request, Deadline deadline) {
    size(request, "call");
    Session session = sessions.served(request.getSessionId()).orElse(null);
    if (session == null) {
      return null; // first use in this process: the store may have to load it
    }
    ActivePolicy policy = sessions.policy(session.policyName(), "session_id");
    if (!request.hasCall()) {
      throw GuardException.invalid("call", "missing");
    }
    ObjectNode json = ProtoEvents.callJson(request.getCall(), request.getTime(), "call", "time", Instant.now());
    Event.ToolCall call = EventValidator.call(policy.policy(), json, "call");
    return session.checkNow(policy, call, json, request.getRecordIfAllowed(), mode, limits.alternativesMaxEvents(),
        deadline).map(this::answer).orElse(null);
  }

  private CheckResponse answer(CheckOutcome outcome) {
    String decisionId = decisionIds.next();
    decisions.write(decisionId, outcome);
    CheckResponse.Builder response = CheckResponse.newBuilder()
        .setDecision(Protos.decision(decisionId, outcome))
        .setRecorded(outcome.recorded());
    if (outcome.recorded()) {
      response.setSeq(outcome.seq());
    }
    return response.build();
  }

  private RecordResponse record(RecordRequest request, Deadline deadline) {
    size(request, "events");
    if (request.getEventsCount() > limits.maxEventsPerRequest()) {
      throw GuardException.invalid("events", request.getEventsCount() + " events in one request, at most "
          + limits.maxEventsPerRequest());
    }
    Session session = sessions.get(request.getSessionId(), "session_id");
    ActivePolicy policy = sessions.policy(session.policyName(), "session_id");
    Instant received = Instant.now();
    List<ObjectNode> events = new ArrayList<>();
    for (int i = 0; i < request.getEventsCount(); i++) {
      String field = "events[" + i + "]";
      ObjectNode json = ProtoEvents.toJson(request.getEvents(i), field, received);
      EventValidator.event(policy.policy(), json, field);
      events.add(json);
    }
    List<Long> seqs = events.isEmpty() ? List.of() : session.record(policy, events, deadline);
    long length = seqs.isEmpty()
        ? sessions.store().session(session.id()).map(SessionInfo::length).orElse(0L)
        : seqs.get(seqs.size() - 1) + 1;
    return RecordResponse.newBuilder().addAllSeqs(seqs).setSessionLength(length).build();
  }

  private AllowedResponse allowed(AllowedRequest request, Deadline deadline) {
    size(request, "tools");
    Session session = sessions.get(request.getSessionId(), "session_id");
    ActivePolicy policy = sessions.policy(session.policyName(), "session_id");
    BigDecimal now = Timestamps.parseSeconds(ProtoEvents.time(request.getTime(), "time", Instant.now())).orElseThrow();
    List<AllowedNow.Allowance> answers = AllowedNow.ask(policy, session.snapshot(policy, deadline), now,
        request.getToolsList(), request.getIncludeConstraints());
    AllowedResponse.Builder response = AllowedResponse.newBuilder()
        .setPolicy(policy.name()).setPolicyVersion(policy.version());
    answers.forEach(a -> response.addTools(Protos.allowance(a)));
    return response.build();
  }

  private io.vigil.guard.v1.SessionInfo create(CreateSessionRequest request) {
    size(request, "labels");
    return Protos.session(sessions.create(request.getSessionId(), request.getPolicy(), request.getLabelsMap()));
  }

  private void size(MessageLite request, String field) {
    int size = request.getSerializedSize();
    if (size > limits.maxRequestBytes()) {
      throw GuardException.invalid(field, "request too large: " + size + " bytes, at most " + limits.maxRequestBytes());
    }
  }

  // ---- plumbing -----------------------------------------------------------------------------

  private static Deadline deadline() {
    Context context = Context.current();
    io.grpc.Deadline d = context.getDeadline();
    return Deadline.of(d == null ? null : d.timeRemaining(TimeUnit.NANOSECONDS), context::isCancelled);
  }

  private static <T> void unary(StreamObserver<T> out, Supplier<T> work) {
    T result;
    try {
      result = work.get();
    } catch (RuntimeException e) {
      out.onError(new StatusRuntimeException(status(e)));
      return;
    }
    if (out instanceof ServerCallStreamObserver<T> server && server.isCancelled()) {
      return;
    }
    out.onNext(result);
    out.onCompleted();
  }

  static Status status(RuntimeException e) {
    if (e instanceof GuardException g) {
      return Status.fromCode(Status.Code.valueOf(g.code().name())).withDescription(g.getMessage());
    }
    if (e instanceof StoreException.NotFound) {
      return Status.NOT_FOUND.withDescription("session_id: " + e.getMessage());
    }
    if (e instanceof StoreException) {
      log.log(Level.WARNING, "store failure: " + e.getMessage(), e);
      return Status.UNAVAILABLE.withDescription("store: " + e.getMessage());
    }
    if (e instanceof StatusRuntimeException s) {
      return s.getStatus();
    }
    log.log(Level.SEVERE, "internal error", e);
    return Status.INTERNAL.withDescription("internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
  }
}
