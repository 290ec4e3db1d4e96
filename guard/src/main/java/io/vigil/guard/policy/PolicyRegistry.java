package io.vigil.guard.policy;

import io.vigil.dsl.Diagnostic;
import io.vigil.dsl.LoadedPolicy;
import io.vigil.dsl.PolicyException;
import io.vigil.dsl.PolicyLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The policies of a directory: every {@code *.vigil} file under it (as {@code vigil check} finds them), keyed by
 * the name on its {@code policy NAME} line.
 *
 * <p>Hot reload: the directory is polled (every {@code pollInterval}); a file whose content
 * changed is parsed and checked, and when it is valid its new version is used by every decision
 * that starts afterwards. A broken file is rejected: its diagnostics are logged, the previous
 * version stays active, and the rejection is visible through {@link #rejected}. A deleted file's
 * policy stays active (sessions bound to it keep working) and a warning is logged. Two files
 * declaring the same policy name: the one loaded first wins, the other is rejected.
 *
 * <p>Replaced versions are closed after a grace period, when no decision can still use them.
 */
public final class PolicyRegistry implements AutoCloseable {
  private static final Logger log = Logger.getLogger(PolicyRegistry.class.getName());
  private static final long RETIRE_AFTER_SECONDS = 60;
  private static final int MAX_DEPTH = 8;

  private final Path dir;
  private final Map<String, ActivePolicy> byName = new ConcurrentHashMap<>();
  /** Per file: the hash of the content last looked at, and the policy name it holds (if valid). */
  private final Map<Path, String> seenHash = new HashMap<>();
  private final Map<Path, String> nameOfFile = new HashMap<>();
  private final Map<String, List<String>> rejected = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler;
  private final List<Runnable> listeners = new ArrayList<>();

  private PolicyRegistry(Path dir) {
    this.dir = dir;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vigil-policy-reload");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Loads every policy of {@code dir} and polls it for changes every {@code pollInterval} (0: no
   * polling, call {@link #reload} yourself). Broken files are logged and skipped.
   */
  public static PolicyRegistry open(Path dir, java.time.Duration pollInterval) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("not a directory: " + dir);
    }
    PolicyRegistry registry = new PolicyRegistry(dir);
    registry.reload();
    if (!pollInterval.isZero()) {
      long ms = pollInterval.toMillis();
      registry.scheduler.scheduleWithFixedDelay(registry::reloadQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }
    return registry;
  }

  public Path directory() {
    return dir;
  }

  /** The active version of a policy. */
  public Optional<ActivePolicy> get(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The active policies, by name. */
  public Collection<ActivePolicy> all() {
    return new TreeMap<>(byName).values();
  }

  /** The diagnostics of the latest rejected edit of a policy's file, when it was rejected. */
  public List<String> rejected(String name) {
    return rejected.getOrDefault(name, List.of());
  }

  /** Runs after every reload that changed an active policy (for tests and metrics). */
  public synchronized void onChange(Runnable listener) {
    listeners.add(listener);
  }

  private void reloadQuietly() {
    try {
      reload();
    } catch (RuntimeException e) {
      log.log(Level.WARNING, "policy reload failed: " + e.getMessage(), e);
    }
  }

  /** Looks at every file once; returns whether an active policy changed. */
  public synchronized boolean reload() {
    List<Path> files;
    try (Stream<Path> list = Files.walk(dir, MAX_DEPTH)) {
      files = list.filter(p -> p.getFileName().toString().endsWith(".vigil") && Files.isRegularFile(p))
          .sorted().collect(Collectors.toList());
    } catch (IOException e) {
      log.warning("cannot list policy directory " + dir + ": " + e.getMessage());
      return false;
    }
    boolean changed = false;
    for (Path file : files) {
      changed |= look(file);
    }
    for (Path gone : new ArrayList<>(seenHash.keySet())) {
      if (!files.contains(gone)) {
        seenHash.remove(gone);
        String name = nameOfFile.remove(gone);
        if (name != null) {
          log.warning(gone + " was removed; policy " + name + " stays active (version " + byName.get(name).version() + ")");
        }
      }
    }
    if (changed) {
      listeners.forEach(Runnable::run);
    }
    return changed;
  }

  private boolean look(Path file) {
    String source;
    try {
      source = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      log.warning("cannot read " + file + ": " + e.getMessage());
      return false;
    }
    String hash = sha256(source);
    if (hash.equals(seenHash.get(file))) {
      return false;
    }
    seenHash.put(file, hash);
    LoadedPolicy loaded;
    try {
      loaded = PolicyLoader.load(source, file.toString());
    } catch (PolicyException e) {
      reject(file, e.diagnostics().stream().filter(Diagnostic::isError).map(Diagnostic::toString).toList());
      return false;
    } catch (RuntimeException e) {
      reject(file, List.of(file + ": error: " + e.getMessage()));
      return false;
    }
    String name = loaded.policy().name();
    String previousName = nameOfFile.get(file);
    for (Map.Entry<Path, String> other : nameOfFile.entrySet()) {
      if (!other.getKey().equals(file) && other.getValue().equals(name)) {
        reject(file, List.of(file + ": error: policy " + name + " is already loaded from " + other.getKey()));
        return false;
      }
    }
    loaded.warnings().forEach(w -> log.warning(w.toString()));
    ActivePolicy fresh;
    try {
      fresh = new ActivePolicy(file, source, loaded, Instant.now());
    } catch (RuntimeException e) {
      reject(file, List.of(file + ": error: cannot compile: " + e.getMessage()));
      return false;
    }
    ActivePolicy old = byName.put(name, fresh);
    nameOfFile.put(file, name);
    rejected.remove(name);
    if (previousName != null && !previousName.equals(name)) {
      retire(byName.remove(previousName));
      log.info(file + ": policy " + previousName + " is now named " + name);
    }
    if (old == null) {
      log.info("loaded policy " + name + " version " + fresh.version() + " from " + file);
    } else {
      log.info("reloaded policy " + name + ": version " + old.version() + " -> " + fresh.version());
      retire(old);
    }
    return true;
  }

  private void reject(Path file, List<String> diagnostics) {
    String name = nameOfFile.get(file);
    String keeping = name == null ? "" : "; policy " + name + " stays at version " + byName.get(name).version();
    log.severe("rejected " + file + keeping + ":\n  " + String.join("\n  ", diagnostics));
    if (name != null) {
      rejected.put(name, List.copyOf(diagnostics));
    }
  }

  private void retire(ActivePolicy old) {
    if (old == null) {
      return;
    }
    try {
      scheduler.schedule(old::close, RETIRE_AFTER_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      old.close();
    }
  }

  static String sha256(String source) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized void close() {
    scheduler.shutdownNow();
    byName.values().forEach(ActivePolicy::close);
    byName.clear();
  }
}
