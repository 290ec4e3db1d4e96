package io.vigil.guard.session;

import io.vigil.guard.policy.ActivePolicy;
import io.vigil.guard.policy.PolicyRegistry;
import io.vigil.guard.store.EventStore;
import io.vigil.guard.store.SessionInfo;
import io.vigil.guard.store.StoreException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The sessions this process serves. Sessions are independent: each has its own lock and history,
 * so different sessions are decided in parallel while the operations of one are serialized. A
 * session another replica created is found in the store on first use.
 */
public final class SessionRegistry {
  private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  private final EventStore store;
  private final PolicyRegistry policies;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  public SessionRegistry(EventStore store, PolicyRegistry policies) {
    this.store = store;
    this.policies = policies;
  }

  public EventStore store() {
    return store;
  }

  public PolicyRegistry policies() {
    return policies;
  }

  /** Creates a session bound to a loaded policy; an empty id picks a random one. */
  public SessionInfo create(String requestedId, String policy, Map<String, String> labels) {
    String id = requestedId.isEmpty() ? UUID.randomUUID().toString() : requestedId;
    if (!SESSION_ID.matcher(id).matches()) {
      throw GuardException.invalid("session_id",
          "'" + abbreviate(id) + "' is not a session id (1-128 of [A-Za-z0-9._:-], starting with a letter or digit)");
    }
    if (policy.isEmpty()) {
      throw GuardException.invalid("policy", "missing: name a loaded policy");
    }
    policy(policy, "policy");
    try {
      return store.create(id, policy, labels);
    } catch (StoreException.AlreadyExists e) {
      throw new GuardException(GuardException.Code.ALREADY_EXISTS, "session_id", e.getMessage());
    }
  }

  /** A session this process has already served (no store access); empty otherwise. */
  public java.util.Optional<Session> served(String id) {
    return java.util.Optional.ofNullable(sessions.get(id));
  }

  /** A session, from memory or the store; NOT_FOUND naming {@code field} when there is none. */
  public Session get(String id, String field) {
    if (id.isEmpty()) {
      throw GuardException.invalid(field, "missing");
    }
    Session cached = sessions.get(id);
    if (cached != null) {
      return cached;
    }
    SessionInfo info = (SESSION_ID.matcher(id).matches() ? store.session(id) : java.util.Optional.<SessionInfo>empty())
        .orElseThrow(() -> GuardException.notFound(field, "no session '" + abbreviate(id) + "'"));
    return sessions.computeIfAbsent(id, k -> new Session(info, store));
  }

  /** The active version of a policy; NOT_FOUND naming {@code field} when none is loaded. */
  public ActivePolicy policy(String name, String field) {
    return policies.get(name).orElseThrow(() -> GuardException.notFound(field,
        "no policy '" + abbreviate(name) + "' is loaded (loaded: "
            + String.join(", ", policies.all().stream().map(ActivePolicy::name).toList()) + ")"));
  }

  static String abbreviate(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "..." : s;
  }
}
