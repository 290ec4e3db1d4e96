package io.vigil.guard.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Opens the store named by {@code vigil serve --store}: {@code memory}, {@code file:DIR} (the
 * embedded default), or any other form a {@link Provider} accepts (e.g. {@code
 * jdbc:postgresql://...}). Providers are found with {@link ServiceLoader} ({@code
 * META-INF/services/io.vigil.guard.store.StoreFactory$Provider}) or registered with {@link
 * #register}.
 */
public final class StoreFactory {
  /** Opens stores for the specs it accepts. */
  public interface Provider {
    boolean accepts(String spec);

    EventStore open(String spec);
  }

  private static final List<Provider> registered = new ArrayList<>();

  private StoreFactory() {}

  public static synchronized void register(Provider provider) {
    registered.add(provider);
  }

  /** Opens the store a spec names; throws IllegalArgumentException for an unknown form. */
  public static EventStore open(String spec) {
    if (spec.equals("memory")) {
      return new MemoryEventStore();
    }
    if (spec.startsWith("file:")) {
      return FileEventStore.open(Path.of(spec.substring("file:".length())));
    }
    List<Provider> providers;
    synchronized (StoreFactory.class) {
      providers = new ArrayList<>(registered);
    }
    ServiceLoader.load(Provider.class).forEach(providers::add);
    for (Provider provider : providers) {
      if (provider.accepts(spec)) {
        return provider.open(spec);
      }
    }
    if (spec.startsWith("jdbc:")) {
      throw new IllegalArgumentException(
          "no store provider for '" + redact(spec) + "' on the class path (is the PostgreSQL store installed?)");
    }
    throw new IllegalArgumentException(
        "unknown store '" + redact(spec) + "': use memory, file:DIR or jdbc:postgresql://HOST/DB");
  }

  /** The spec without a password, for messages. */
  public static String redact(String spec) {
    return spec.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("//([^:/@]+):[^@/]*@", "//$1:***@");
  }
}
