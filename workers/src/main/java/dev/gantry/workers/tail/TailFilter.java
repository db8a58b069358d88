package dev.gantry.workers.tail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * Which trace events a tail session wants, from the filters {@code wrangler tail} sends ({@code
 * {"filters": [{"outcome": [...]}, {"method": [...]}, ...]}}): an event passes when it matches
 * every filter, and a filter with a list when it matches any entry. Pure, but for the sampling draw
 * it is given.
 */
public final class TailFilter {
  private interface Rule {
    boolean matches(JsonNode event, DoubleSupplier draw);
  }

  private final List<Rule> rules;

  private TailFilter(List<Rule> rules) {
    this.rules = rules;
  }

  /** Everything passes. */
  public static TailFilter all() {
    return new TailFilter(List.of());
  }

  /**
   * @param message the body wrangler posts when it creates a tail; null or empty for no filter
   * @param self the address of whoever creates the tail, for {@code --ip self}
   * @throws IllegalArgumentException naming the filter that is not understood
   */
  public static TailFilter parse(JsonNode message, String self) {
    List<Rule> rules = new ArrayList<>();
    JsonNode filters = message == null ? null : message.get("filters");
    if (filters == null || filters.isNull()) {
      return all();
    }
    if (!filters.isArray()) {
      throw new IllegalArgumentException("filters must be a list of filter objects");
    }
    for (JsonNode f : filters) {
      if (f.has("sampling_rate")) {
        double rate = f.get("sampling_rate").asDouble(-1);
        if (!(rate > 0 && rate <= 1)) {
          throw new IllegalArgumentException("sampling_rate must be above 0 and at most 1");
        }
        rules.add((e, draw) -> draw.getAsDouble() < rate);
      } else if (f.has("outcome")) {
        List<String> outcomes = strings(f.get("outcome"), "outcome");
        rules.add((e, draw) -> outcomes.contains(e.path("outcome").asText()));
      } else if (f.has("method")) {
        List<String> methods =
            strings(f.get("method"), "method").stream()
                .map(m -> m.toUpperCase(Locale.ROOT))
                .toList();
        rules.add(
            (e, draw) ->
                methods.contains(
                    e.path("event")
                        .path("request")
                        .path("method")
                        .asText()
                        .toUpperCase(Locale.ROOT)));
      } else if (f.has("header")) {
        JsonNode h = f.get("header");
        String key = h.path("key").asText("").toLowerCase(Locale.ROOT);
        if (key.isEmpty()) {
          throw new IllegalArgumentException("a header filter needs a key");
        }
        String query = h.hasNonNull("query") ? h.get("query").asText() : null;
        rules.add(
            (e, draw) -> {
              JsonNode value = header(e, key);
              return value != null && (query == null || value.asText().equals(query));
            });
      } else if (f.has("client_ip")) {
        List<String> ips =
            strings(f.get("client_ip"), "client_ip").stream()
                .map(ip -> ip.equals("self") ? self : ip)
                .toList();
        rules.add(
            (e, draw) -> {
              JsonNode ip = header(e, "cf-connecting-ip");
              return ip != null && ips.contains(ip.asText());
            });
      } else if (f.has("query")) {
        String query = f.get("query").asText();
        rules.add(
            (e, draw) ->
                e.path("logs").toString().contains(query)
                    || e.path("exceptions").toString().contains(query));
      } else if (f.has("scriptVersion")) {
        String version = f.get("scriptVersion").asText();
        rules.add((e, draw) -> version.equals(e.path("scriptVersion").path("id").asText()));
      } else {
        throw new IllegalArgumentException("unknown tail filter " + f);
      }
    }
    return new TailFilter(List.copyOf(rules));
  }

  public boolean matches(JsonNode event, DoubleSupplier draw) {
    for (Rule rule : rules) {
      if (!rule.matches(event, draw)) {
        return false;
      }
    }
    return true;
  }

  private static JsonNode header(JsonNode event, String lowerName) {
    JsonNode headers = event.path("event").path("request").path("headers");
    var names = headers.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (name.toLowerCase(Locale.ROOT).equals(lowerName)) {
        return headers.get(name);
      }
    }
    return null;
  }

  private static List<String> strings(JsonNode list, String filter) {
    if (list.isTextual()) {
      return List.of(list.asText());
    }
    if (!list.isArray()) {
      throw new IllegalArgumentException(filter + " filter must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    list.forEach(v -> out.add(v.asText()));
    return List.copyOf(out);
  }
}
