package io.vigil.guard.store.postgres;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The real PostgreSQL server the tests use: {@code VIGIL_TEST_PG_URL} (environment) or {@code
 * -Dvigil.test.pg.url}, a {@code jdbc:postgresql://HOST:PORT/DB?user=U&password=P} URL; {@code
 * ./test.sh} installs and starts a server and sets it. Without one the tests are skipped, except
 * with {@code CI=true}, where they fail. Each test gets a schema of its own, dropped afterwards.
 */
final class TestDatabase implements AutoCloseable {
  final String baseUrl;
  final String schema;
  /** The base URL with {@code currentSchema} set to this test's schema. */
  final String url;

  private TestDatabase(String baseUrl, String schema) {
    this.baseUrl = baseUrl;
    this.schema = schema;
    this.url = baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  static String configuredUrl() {
    String url = System.getProperty("vigil.test.pg.url");
    if (url == null || url.isBlank()) {
      url = System.getenv("VIGIL_TEST_PG_URL");
    }
    if (url == null || url.isBlank()) {
      String why = "no PostgreSQL server for the tests: set VIGIL_TEST_PG_URL=jdbc:postgresql://HOST:PORT/DB?user=U&password=P"
          + " (./test.sh installs and starts one on Debian as root)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why + " [CI=true: failing instead of skipping]");
      }
      Assumptions.abort(why);
    }
    return url;
  }

  /** A fresh, empty schema on the configured server. */
  static TestDatabase create() {
    String base = configuredUrl();
    String schema = "vigil_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      fail("cannot use the PostgreSQL server at " + io.vigil.guard.store.StoreFactory.redact(base) + ": " + e.getMessage(), e);
    }
    return new TestDatabase(base, schema);
  }

  long count(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        var r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = DriverManager.getConnection(baseUrl); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
