package io.vigil.examples.demo;

import static io.vigil.examples.demo.Environment.error;
import static io.vigil.examples.demo.Environment.money;
import static io.vigil.examples.demo.Environment.object;
import static io.vigil.examples.demo.Environment.ok;
import static io.vigil.examples.demo.RetailEnv.s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The tau-bench airline tools over a synthetic airline generated from a seed: direct routes
 * between six airports flown twice a day in May 2024, members of every level with credit cards,
 * gift cards and certificates, and reservations in every cabin with and without insurance (one
 * booked within the last 24 hours, some already flown). The clock is 2024-05-15 15:00 EST.
 */
public final class AirlineEnv implements Environment {
  public static final String NOW = "2024-05-15T15:00:00";
  static final String TODAY = "2024-05-15";
  static final String[] AIRPORTS = {"JFK", "SFO", "ORD", "ATL", "SEA", "BOS"};
  static final String[][] ROUTES = {{"JFK", "SFO"}, {"ORD", "ATL"}, {"SEA", "BOS"}, {"JFK", "ORD"}, {"ATL", "SEA"}};
  static final String[] CABINS = {"basic_economy", "economy", "business"};
  static final String[] FIRST = {"Lena", "Marco", "Nadia", "Oscar", "Priya", "Quentin", "Rosa", "Stefan"};
  static final String[] LAST = {"Moreau", "Novak", "Okafor", "Petrov", "Quinn", "Romero", "Sato", "Torres"};
  static final String[] LEVELS = {"regular", "silver", "gold"};

  final ObjectNode flights = object();
  final ObjectNode users = object();
  final ObjectNode reservations = object();
  private final Random rnd;

  public AirlineEnv(long seed) {
    rnd = new Random(seed);
    int number = 100;
    for (String[] route : ROUTES) {
      for (int dir = 0; dir < 2; dir++) {
        String from = route[dir], to = route[1 - dir];
        for (int slot = 0; slot < 2; slot++) {
          String fn = "HAT" + (number++);
          ObjectNode f = flights.putObject(fn);
          f.put("flight_number", fn).put("origin", from).put("destination", to)
              .put("scheduled_departure_time_est", slot == 0 ? "08:00:00" : "16:30:00")
              .put("scheduled_arrival_time_est", slot == 0 ? "11:30:00" : "20:00:00");
          ObjectNode dates = f.putObject("dates");
          for (int d = 1; d <= 30; d++) {
            String date = String.format("2024-05-%02d", d);
            ObjectNode day = dates.putObject(date);
            if (date.compareTo(TODAY) < 0) {
              day.put("status", "landed");
              continue;
            }
            day.put("status", "available");
            int base = 80 + rnd.nextInt(120);
            day.putObject("prices").put("basic_economy", base).put("economy", base + 60).put("business", base * 3 + 100);
            day.putObject("available_seats").put("basic_economy", 9).put("economy", 12).put("business", 4);
          }
        }
      }
    }
    for (int u = 0; u < FIRST.length; u++) {
      String uid = (FIRST[u] + "_" + LAST[u] + "_" + (1000 + rnd.nextInt(9000))).toLowerCase();
      ObjectNode user = users.putObject(uid);
      user.put("user_id", uid);
      user.putObject("name").put("first_name", FIRST[u]).put("last_name", LAST[u]);
      user.put("email", (FIRST[u] + "." + LAST[u] + "@example.com").toLowerCase());
      user.put("dob", String.format("19%02d-0%d-1%d", 60 + u * 4, 1 + u % 9, u % 10));
      user.put("membership", LEVELS[u % LEVELS.length]);
      ObjectNode pms = user.putObject("payment_methods");
      String cc = "credit_card_" + digits(7);
      pms.putObject(cc).put("source", "credit_card").put("brand", "visa").put("last_four", digits(4)).put("id", cc);
      if (u % 2 == 0) {
        String cc2 = "credit_card_" + digits(7);
        pms.putObject(cc2).put("source", "credit_card").put("brand", "mastercard").put("last_four", digits(4)).put("id", cc2);
      }
      String gc = "gift_card_" + digits(7);
      pms.putObject(gc).put("source", "gift_card").put("amount", 50 + rnd.nextInt(200)).put("id", gc);
      if (u % 3 != 0) {
        String cert = "certificate_" + digits(7);
        pms.putObject(cert).put("source", "certificate").put("amount", 100 + 50 * (u % 3)).put("id", cert);
      }
      ArrayNode saved = user.putArray("saved_passengers");
      saved.addObject().put("first_name", FIRST[(u + 1) % FIRST.length]).put("last_name", LAST[u]).put("dob", "1990-02-0" + (1 + u % 9));
      ArrayNode list = user.putArray("reservations");
      for (int k = 0; k < 4; k++) {
        ObjectNode r = reservation(uid, u, k, cc);
        reservations.set(r.get("reservation_id").asText(), r);
        list.add(r.get("reservation_id").asText());
      }
    }
  }

  /** Reservation k of user u: k=0 basic economy, 1 economy with two bags, 2 business, 3 economy booked recently (even u) or already flown (odd u). */
  private ObjectNode reservation(String uid, int u, int k, String cc) {
    String[] route = ROUTES[(u + k) % ROUTES.length];
    String cabin = k == 3 ? "economy" : CABINS[k];
    boolean insured = (k == 2 || k == 3) != (u % 2 == 1 && k != 3);
    String date = k == 3 && u % 2 == 1 ? "2024-05-12" : String.format("2024-05-%02d", 18 + (u + k) % 10);
    String created = k == 3 && u % 2 == 0 ? "2024-05-15T09:20:00" : String.format("2024-05-0%dT1%d:05:00", 1 + k, u);
    int pax = k == 1 ? 2 : 1 + (u + k) % 3;
    ObjectNode r = object();
    r.put("reservation_id", id6()).put("user_id", uid).put("origin", route[0]).put("destination", route[1])
        .put("flight_type", "one_way").put("cabin", cabin);
    ArrayNode fl = r.putArray("flights");
    String fn = firstFlight(route[0], route[1]);
    JsonNode day = flights.get(fn).get("dates").get(date);
    int price = day.has("prices") ? day.get("prices").get(cabin).asInt() : 150;
    fl.addObject().put("origin", route[0]).put("destination", route[1]).put("flight_number", fn).put("date", date).put("price", price);
    ArrayNode ps = r.putArray("passengers");
    for (int p = 0; p < pax; p++) {
      ps.addObject().put("first_name", FIRST[(u + p) % FIRST.length]).put("last_name", LAST[u]).put("dob", "1985-0" + (1 + p) + "-15");
    }
    int bags = k == 1 ? 2 : k;
    r.put("total_baggages", bags).put("nonfree_baggages", 0);
    r.put("insurance", insured ? "yes" : "no");
    r.putArray("payment_history").addObject().put("payment_id", cc).put("amount", price * pax + (insured ? 30 * pax : 0));
    r.put("created_at", created);
    return r;
  }

  String firstFlight(String from, String to) {
    for (JsonNode f : flights) {
      if (f.get("origin").asText().equals(from) && f.get("destination").asText().equals(to)) {
        return f.get("flight_number").asText();
      }
    }
    throw new IllegalStateException("no flight " + from + "-" + to);
  }

  /** The other flight of the same route (the afternoon one). */
  public String otherFlight(String fn) {
    JsonNode f = flights.get(fn);
    for (JsonNode g : flights) {
      if (!g.get("flight_number").asText().equals(fn) && g.get("origin").equals(f.get("origin"))
          && g.get("destination").equals(f.get("destination"))) {
        return g.get("flight_number").asText();
      }
    }
    throw new IllegalStateException("no other flight for " + fn);
  }

  private String digits(int n) {
    StringBuilder b = new StringBuilder().append(1 + rnd.nextInt(9));
    while (b.length() < n) {
      b.append(rnd.nextInt(10));
    }
    return b.toString();
  }

  private String id6() {
    String chars = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      b.append(chars.charAt(rnd.nextInt(chars.length())));
    }
    return reservations.has(b.toString()) ? id6() : b.toString();
  }

  @Override
  public String policy() {
    return "airline";
  }

  // ------------------------------------------------------------------ data access for scenarios

  public ObjectNode user(String uid) {
    return (ObjectNode) users.get(uid);
  }

  public ObjectNode reservation(String rid) {
    return (ObjectNode) reservations.get(rid);
  }

  public List<String> userIds() {
    List<String> ids = new ArrayList<>();
    users.fieldNames().forEachRemaining(ids::add);
    return ids;
  }

  /** The user's k-th reservation (see {@link #reservation(String, int, int, String)}). */
  public ObjectNode reservationOf(String uid, int k) {
    return reservation(users.get(uid).get("reservations").get(k).asText());
  }

  public List<String> paymentsOf(String uid, String source) {
    List<String> out = new ArrayList<>();
    users.get(uid).get("payment_methods").forEach(pm -> {
      if (pm.get("source").asText().equals(source)) {
        out.add(pm.get("id").asText());
      }
    });
    return out;
  }

  public int price(String fn, String date, String cabin) {
    return flights.get(fn).get("dates").get(date).get("prices").get(cabin).asInt();
  }

  // ------------------------------------------------------------------ tools

  @Override
  public Outcome call(String tool, JsonNode a) {
    switch (tool) {
      case "get_user_details":
        return users.has(s(a, "user_id")) ? ok(users.get(s(a, "user_id")).deepCopy()) : error("user not found");
      case "get_reservation_details":
        return reservations.has(s(a, "reservation_id")) ? ok(reservations.get(s(a, "reservation_id")).deepCopy())
            : error("reservation not found");
      case "list_all_airports": {
        ObjectNode out = object();
        for (String code : AIRPORTS) {
          out.put(code, code + " International");
        }
        return ok(out);
      }
      case "search_direct_flight": {
        ArrayNode out = Environment.array();
        for (JsonNode f : flights) {
          JsonNode day = f.get("dates").get(s(a, "date"));
          if (f.get("origin").asText().equals(s(a, "origin")) && f.get("destination").asText().equals(s(a, "destination"))
              && day != null && day.get("status").asText().equals("available")) {
            ObjectNode hit = ((ObjectNode) f).deepCopy();
            hit.remove("dates");
            hit.put("date", s(a, "date")).setAll((ObjectNode) day.deepCopy());
            out.add(hit);
          }
        }
        return ok(out);
      }
      case "search_onestop_flight":
        return ok(Environment.array());
      case "book_reservation":
        return book(a);
      case "cancel_reservation": {
        ObjectNode r = reservation(s(a, "reservation_id"));
        if (r == null) {
          return error("reservation not found");
        }
        ArrayNode history = (ArrayNode) r.get("payment_history");
        List<JsonNode> refunds = new ArrayList<>();
        history.forEach(p -> refunds.add(object().put("payment_id", p.get("payment_id").asText()).put("amount", -p.get("amount").asDouble())));
        history.addAll(refunds);
        r.put("status", "cancelled");
        return ok(r.deepCopy());
      }
      case "update_reservation_baggages": {
        ObjectNode r = reservation(s(a, "reservation_id"));
        if (r == null) {
          return error("reservation not found");
        }
        int fee = 50 * Math.max(0, a.path("nonfree_baggages").asInt() - r.get("nonfree_baggages").asInt());
        String err = charge(r.get("user_id").asText(), s(a, "payment_id"), fee, false);
        if (err != null) {
          return error(err);
        }
        if (fee > 0) {
          ((ArrayNode) r.get("payment_history")).addObject().put("payment_id", s(a, "payment_id")).put("amount", fee);
        }
        r.put("total_baggages", a.path("total_baggages").asInt()).put("nonfree_baggages", a.path("nonfree_baggages").asInt());
        return ok(r.deepCopy());
      }
      case "update_reservation_flights":
        return updateFlights(a);
      case "update_reservation_passengers": {
        ObjectNode r = reservation(s(a, "reservation_id"));
        if (r == null) {
          return error("reservation not found");
        }
        if (a.path("passengers").size() != r.get("passengers").size()) {
          return error("number of passengers does not match");
        }
        r.set("passengers", a.get("passengers").deepCopy());
        return ok(r.deepCopy());
      }
      case "send_certificate": {
        ObjectNode u = user(s(a, "user_id"));
        if (u == null) {
          return error("user not found");
        }
        String id = "certificate_" + digits(7);
        ((ObjectNode) u.get("payment_methods")).putObject(id).put("source", "certificate")
            .put("amount", a.path("amount").asDouble()).put("id", id);
        return ok("Certificate " + id + " added to user " + u.get("user_id").asText() + " with amount " + a.path("amount").asText() + ".");
      }
      case "calculate":
        return Environment.calculate(s(a, "expression"));
      case "think":
        return ok("");
      case "transfer_to_human_agents":
        return ok("Transfer successful");
      default:
        return error("unknown tool " + tool);
    }
  }

  private Outcome book(JsonNode a) {
    ObjectNode u = user(s(a, "user_id"));
    if (u == null) {
      return error("user not found");
    }
    String cabin = s(a, "cabin");
    int pax = a.path("passengers").size();
    ObjectNode r = object();
    r.put("reservation_id", id6()).put("user_id", s(a, "user_id")).put("origin", s(a, "origin"))
        .put("destination", s(a, "destination")).put("flight_type", s(a, "flight_type")).put("cabin", cabin);
    ArrayNode fl = r.putArray("flights");
    double total = 0;
    for (JsonNode f : a.path("flights")) {
      String fn = s(f, "flight_number"), date = s(f, "date");
      JsonNode day = flights.has(fn) ? flights.get(fn).get("dates").get(date) : null;
      if (day == null) {
        return error("flight " + fn + " not found");
      }
      if (!day.get("status").asText().equals("available")) {
        return error("flight " + fn + " not available on date " + date);
      }
      if (day.get("available_seats").get(cabin).asInt() < pax) {
        return error("not enough seats on flight " + fn);
      }
      int price = day.get("prices").get(cabin).asInt();
      total += price * pax;
      fl.addObject().put("origin", flights.get(fn).get("origin").asText()).put("destination", flights.get(fn).get("destination").asText())
          .put("flight_number", fn).put("date", date).put("price", price);
    }
    if (s(a, "insurance").equals("yes")) {
      total += 30 * pax;
    }
    total += 50 * a.path("nonfree_baggages").asInt();
    double paid = 0;
    for (JsonNode p : a.path("payment_methods")) {
      JsonNode method = u.get("payment_methods").get(s(p, "payment_id"));
      if (method == null) {
        return error("payment method not found");
      }
      if (method.has("amount") && method.get("amount").asDouble() < p.path("amount").asDouble()) {
        return error("not enough balance in payment method " + s(p, "payment_id"));
      }
      paid += p.path("amount").asDouble();
    }
    if (Math.abs(paid - total) > 0.005) {
      return error("payment amount does not add up, total price is " + money(total) + ", but paid " + money(paid));
    }
    for (JsonNode p : a.path("payment_methods")) {
      charge(s(a, "user_id"), s(p, "payment_id"), p.path("amount").asDouble(), true);
    }
    r.set("passengers", a.path("passengers").deepCopy());
    r.set("payment_history", a.path("payment_methods").deepCopy());
    r.put("created_at", NOW).put("total_baggages", a.path("total_baggages").asInt())
        .put("nonfree_baggages", a.path("nonfree_baggages").asInt()).put("insurance", s(a, "insurance"));
    reservations.set(r.get("reservation_id").asText(), r);
    ((ArrayNode) u.get("reservations")).add(r.get("reservation_id").asText());
    return ok(r.deepCopy());
  }

  private Outcome updateFlights(JsonNode a) {
    ObjectNode r = reservation(s(a, "reservation_id"));
    if (r == null) {
      return error("reservation not found");
    }
    String cabin = s(a, "cabin");
    int pax = r.get("passengers").size();
    ArrayNode fl = Environment.array();
    double diff = 0;
    for (JsonNode f : a.path("flights")) {
      String fn = s(f, "flight_number"), date = s(f, "date");
      JsonNode kept = null;
      for (JsonNode g : r.get("flights")) {
        if (s(g, "flight_number").equals(fn) && s(g, "date").equals(date) && cabin.equals(s(r, "cabin"))) {
          kept = g;
        }
      }
      if (kept != null) {
        fl.add(kept.deepCopy());
        continue;
      }
      JsonNode day = flights.has(fn) ? flights.get(fn).get("dates").get(date) : null;
      if (day == null || !day.get("status").asText().equals("available")) {
        return error("flight " + fn + " not available on date " + date);
      }
      int price = day.get("prices").get(cabin).asInt();
      diff += price * pax;
      fl.addObject().put("origin", flights.get(fn).get("origin").asText()).put("destination", flights.get(fn).get("destination").asText())
          .put("flight_number", fn).put("date", date).put("price", price);
    }
    for (JsonNode g : r.get("flights")) {
      boolean stays = false;
      for (JsonNode f : fl) {
        stays |= f == g || (s(f, "flight_number").equals(s(g, "flight_number")) && s(f, "date").equals(s(g, "date")) && cabin.equals(s(r, "cabin")));
      }
      if (!stays) {
        diff -= g.get("price").asDouble() * pax;
      }
    }
    String err = charge(r.get("user_id").asText(), s(a, "payment_id"), Math.max(0, diff), false);
    if (err != null) {
      return error(err);
    }
    ((ArrayNode) r.get("payment_history")).addObject().put("payment_id", s(a, "payment_id")).put("amount", money(diff));
    r.set("flights", fl);
    r.put("cabin", cabin);
    return ok(r.deepCopy());
  }

  /** Charges a payment method (null) or says why it cannot (certificates only pay bookings). */
  private String charge(String uid, String pid, double amount, boolean booking) {
    JsonNode method = users.get(uid).get("payment_methods").get(pid);
    if (method == null) {
      return "payment method not found";
    }
    if (method.get("source").asText().equals("certificate") && !booking) {
      return "certificate cannot be used to update reservation";
    }
    if (method.has("amount")) {
      if (method.get("amount").asDouble() < amount) {
        return "gift card balance is not enough";
      }
      if (method.get("source").asText().equals("certificate")) {
        ((ObjectNode) users.get(uid).get("payment_methods")).remove(pid);
      } else {
        ((ObjectNode) method).put("amount", money(method.get("amount").asDouble() - amount));
      }
    }
    return null;
  }
}
